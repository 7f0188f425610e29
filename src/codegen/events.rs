//! The saga's events (`Event`), a published event with the saga's data (`Message`), and the
//! `OutboxRecord` each becomes when its publisher has an outbox.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Emitter, EventId};

use super::plan::{Field, Plan};
use super::tokens::{docs, usize_lit};

/// The fields an event's payload carries: its catalogue entry, else what its publisher
/// knows of the saga (the trigger's data; a step's reads, and on success its writes; a
/// compensation's reads).
fn payload<'p>(plan: &'p Plan, e: EventId) -> Vec<&'p Field> {
    let saga = plan.saga;
    let event = saga.event(e);
    let names: Vec<&str> = if !event.data.is_empty() {
        event.data.iter().map(|d| d.value.as_str()).collect()
    } else {
        let mut names = Vec::new();
        for (emitter, _) in &event.emitted_by {
            let fields: Vec<&crate::source::Spanned<String>> = match *emitter {
                Emitter::Trigger => saga.trigger.data.iter().collect(),
                Emitter::StepSuccess(s) => {
                    let step = saga.step(s);
                    step.reads.iter().chain(&step.writes).collect()
                }
                Emitter::StepFailure(s) => saga.step(s).reads.iter().collect(),
                Emitter::CompensationDone(o) => saga
                    .compensation(o)
                    .map(|c| c.reads.iter().collect())
                    .unwrap_or_default(),
            };
            names.extend(fields.into_iter().map(|f| f.value.as_str()));
        }
        names
    };
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(*n))
        .filter_map(|n| plan.field(n))
        .collect()
}

pub fn tokens(plan: &Plan) -> TokenStream {
    // Version 2, choreography: the payload also carries `failure` (and `left`, `deadline`).
    let carried = super::choreography_outbox::append(plan);
    let payload_of = |object: TokenStream| {
        if carried.is_empty() {
            (TokenStream::new(), object)
        } else {
            (quote!(let mut payload = #object; #carried), quote!(payload))
        }
    };
    let outbox_record = if plan.types.is_some() {
        let (prepare, payload) = payload_of(quote!(outbox::json_values(&fields)));
        quote! {
            pub fn outbox_record(&self, from: Participant) -> outbox::OutboxRecord {
                let fields: Vec<(&str, Option<String>)> = self
                    .event
                    .info()
                    .fields
                    .iter()
                    .map(|&field| (field, self.data.get(field)))
                    .collect();
                #prepare
                outbox::OutboxRecord::new(
                    from.name(),
                    &self.data.key(),
                    self.event.name(),
                    #payload,
                )
            }
        }
    } else {
        let (prepare, payload) = payload_of(quote!(outbox::json_object(&fields)));
        quote! {
            pub fn outbox_record(&self, from: Participant) -> outbox::OutboxRecord {
                let fields: Vec<(&str, Option<&str>)> = self
                    .event
                    .info()
                    .fields
                    .iter()
                    .map(|&field| (field, self.data.get(field)))
                    .collect();
                #prepare
                outbox::OutboxRecord::new(
                    from.name(),
                    self.data.key(),
                    self.event.name(),
                    #payload,
                )
            }
        }
    };
    let saga = plan.saga;
    if saga.events.is_empty() {
        return TokenStream::new();
    }
    // Version 2, choreography: the escalation event, after the saga's own.
    let escalation = super::choreography_v2::escalation_event(plan)
        .zip(super::choreography_v2::escalation_variant(plan));
    let n = usize_lit(saga.events.len() + usize::from(escalation.is_some()));
    let escalation_variant = escalation.as_ref().map(|((name, _), v)| {
        let doc = docs(&format!(
            "`{name}`: a compensation gave up (the escalation event)."
        ));
        quote!(, #doc #v)
    });
    let escalation_all = escalation.as_ref().map(|(_, v)| quote!(, Event::#v));
    let escalation_info = escalation.as_ref().map(|((name, p), _)| {
        let pv = &plan.participant(*p).variant;
        quote! {
            , EventInfo {
                name: #name,
                fields: &[],
                consumers: &[Participant::#pv],
                failure: false,
            }
        }
    });
    let variants = saga.events.iter().zip(&plan.events).map(|(e, v)| {
        let doc = docs(&format!("`{}`", e.name));
        quote!(#doc #v)
    });
    let all = plan.events.iter().map(|v| quote!(Event::#v));
    let infos = saga.events.iter().enumerate().map(|(i, e)| {
        let name = &e.name;
        let fields = payload(plan, EventId::new(i)).into_iter().map(|f| &f.name);
        let mut seen = Vec::new();
        if !plan.orchestration {
            for &(h, _) in &e.consumed_by {
                let p = saga.handler_participant(h);
                if !seen.contains(&p) {
                    seen.push(p);
                }
            }
        }
        let consumers = seen.into_iter().map(|p| {
            let pv = &plan.participant(p).variant;
            quote!(Participant::#pv)
        });
        let failure = e
            .emitted_by
            .iter()
            .any(|(em, _)| matches!(em, Emitter::StepFailure(_)));
        quote! {
            EventInfo {
                name: #name,
                fields: &[#(#fields),*],
                consumers: &[#(#consumers),*],
                failure: #failure,
            }
        }
    });

    // Choreography: the handlers publish a step's outcome through this.
    let v2 = super::choreography_v2::used(plan);
    let message_fields = super::choreography_v2::message_fields(plan);
    let outcome_v2 = v2.then(|| super::choreography_v2::message_outcome(plan));
    let outcome = (!plan.orchestration && !v2).then(|| {
        quote! {
            /// What a step publishes once its action ran (`output` is `run_step`'s answer):
            /// `done` with the step's output stored in the data, or `failed` with the data
            /// as it was.
            pub fn outcome<O: Output>(&self, output: Option<O>, done: Event, failed: Event) -> Message {
                match output {
                    Some(output) => {
                        let mut data = self.data.clone();
                        output.store(&mut data);
                        Message { event: done, data }
                    }
                    None => Message { event: failed, data: self.data.clone() },
                }
            }
        }
    });

    quote! {
            /// The saga's events.
            #[allow(clippy::enum_variant_names, clippy::upper_case_acronyms)]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum Event {
                #(#variants),*
                #escalation_variant
            }

            /// What the spec says of an event.
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct EventInfo {
                /// Its name in the spec (the outbox record's `type`).
                pub name: &'static str,
                /// The saga data fields its payload carries.
                pub fields: &'static [&'static str],
                /// Choreography: the participants it is delivered to, in the order of the spec.
                pub consumers: &'static [Participant],
                /// Choreography: whether it announces a step's failure (the saga compensates).
                pub failure: bool,
            }

            static EVENTS: [EventInfo; #n] = [#(#infos),* #escalation_info];

            impl Event {
                pub const ALL: [Event; #n] = [#(#all),* #escalation_all];

                pub fn info(self) -> &'static EventInfo {
                    &EVENTS[self as usize]
                }

                /// The event's name in the spec (the outbox record's `type`).
                pub fn name(self) -> &'static str {
                    self.info().name
                }

                pub fn from_name(name: &str) -> Option<Event> {
                    Event::ALL.into_iter().find(|e| e.name() == name)
                }

                /// The participants it is delivered to, in the order of the spec.
                pub fn consumers(self) -> &'static [Participant] {
                    self.info().consumers
                }

                /// Whether it announces a step's failure (the saga is compensating).
                pub fn is_failure(self) -> bool {
                    self.info().failure
                }
            }

            /// An event and the saga's data as its publisher knows it.
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct Message {
                pub event: Event,
                pub data: SagaData,
                #message_fields
            }

            impl Message {
                #outcome
                #outcome_v2

                /// The event as a row of `from`'s outbox table: aggregate type `from`'s name,
                /// aggregate id the saga's key, type the event's name, payload its fields as JSON.
    #outbox_record
            }
        }
}

/// The `outbox` module: the record in the shape Debezium's outbox event router reads, and
/// the SQL to insert it.
pub fn outbox_module(plan: &Plan) -> TokenStream {
    let saga = plan.saga;
    let mut tables: Vec<(&str, &str)> = Vec::new();
    for (i, p) in saga.participants.iter().enumerate() {
        if let Some(o) = saga.outbox_of(crate::model::ParticipantId::new(i))
            && !tables.iter().any(|(_, t)| *t == o.table.value)
        {
            tables.push((&p.name.value, &o.table.value));
        }
    }
    let tables = tables.iter().map(|(p, t)| quote!((#p, #t),));
    // A spec that types its data writes its fields' JSON itself (`FieldValue`), strings
    // with this module's escaping.
    let (json_string_vis, json_values) = if plan.types.is_some() {
        (
            quote!(pub(crate)),
            quote! {
                /// A JSON object of fields already written as JSON (`None` is `null`).
                pub fn json_values(fields: &[(&str, Option<String>)]) -> String {
                    let mut out = String::from("{");
                    for (i, (name, value)) in fields.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        json_string(&mut out, name);
                        out.push(':');
                        out.push_str(value.as_deref().unwrap_or("null"));
                    }
                    out.push('}');
                    out
                }
            },
        )
    } else {
        (quote!(), quote!())
    };
    quote! {
        /// Outbox records: an event written in the same transaction as the publisher's own
        /// data, and published by a relay (Debezium reading the table's WAL, or a poller).
        /// The tables are created by `migrations/0001_outbox.sql`.
        pub mod outbox {
            use std::fmt::Write as _;

            /// The participants with an outbox and their tables.
            pub const TABLES: &[(&str, &str)] = &[#(#tables)*];

            /// A row of an outbox table, with the columns Debezium's outbox event router reads.
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub struct OutboxRecord {
                /// A UUID derived from the other three keys: writing the same event of the same
                /// saga twice conflicts on the primary key instead of publishing it twice.
                pub id: String,
                /// What the event is about (routes to the topic `outbox.event.<aggregatetype>`).
                pub aggregatetype: String,
                /// Which one (the message key: events of one saga stay in order).
                pub aggregateid: String,
                /// The event's name.
                pub r#type: String,
                /// The event's fields as a JSON object.
                pub payload: String,
            }

            impl OutboxRecord {
                pub fn new(aggregatetype: &str, aggregateid: &str, event_type: &str, payload: String) -> Self {
                    OutboxRecord {
                        id: uuid(&[aggregatetype, aggregateid, event_type]),
                        aggregatetype: aggregatetype.to_owned(),
                        aggregateid: aggregateid.to_owned(),
                        r#type: event_type.to_owned(),
                        payload,
                    }
                }

                /// The insert with parameters `$1`..`$5` (id, aggregatetype, aggregateid, type,
                /// payload), for a client library; a repeated record is ignored.
                pub fn insert_sql(table: &str) -> String {
                    format!(
                        "INSERT INTO \"{table}\" (id, aggregatetype, aggregateid, type, payload) \
                         VALUES ($1::uuid, $2, $3, $4, $5::jsonb) ON CONFLICT (id) DO NOTHING"
                    )
                }

                /// The insert with the values written as SQL literals (for `psql` or a log).
                pub fn insert_statement(&self, table: &str) -> String {
                    format!(
                        "INSERT INTO \"{table}\" (id, aggregatetype, aggregateid, type, payload) \
                         VALUES ({}::uuid, {}, {}, {}, {}::jsonb) ON CONFLICT (id) DO NOTHING;",
                        sql_literal(&self.id),
                        sql_literal(&self.aggregatetype),
                        sql_literal(&self.aggregateid),
                        sql_literal(&self.r#type),
                        sql_literal(&self.payload),
                    )
                }
            }

            #json_values

            /// A JSON object of string fields (`None` is `null`).
            pub fn json_object(fields: &[(&str, Option<&str>)]) -> String {
                let mut out = String::from("{");
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(&mut out, name);
                    out.push(':');
                    match value {
                        Some(value) => json_string(&mut out, value),
                        None => out.push_str("null"),
                    }
                }
                out.push('}');
                out
            }

            #json_string_vis fn json_string(out: &mut String, s: &str) {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        // PostgreSQL's jsonb rejects \u0000: a NUL is dropped.
                        '\0' => {}
                        c if u32::from(c) < 0x20 => {
                            let _ = write!(out, "\\u{:04x}", u32::from(c));
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
            }

            /// A string as an SQL literal (standard_conforming_strings, PostgreSQL's default).
            fn sql_literal(s: &str) -> String {
                format!("'{}'", s.replace('\'', "''"))
            }

            /// A version 8 UUID from a 128-bit FNV-1a hash of the parts (deterministic, so a
            /// retried transaction writes the same id).
            fn uuid(parts: &[&str]) -> String {
                const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
                let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
                for (i, part) in parts.iter().enumerate() {
                    let separator: &[u8] = if i == 0 { &[] } else { &[0x1f] };
                    for &byte in separator.iter().chain(part.as_bytes()) {
                        hash ^= u128::from(byte);
                        hash = hash.wrapping_mul(PRIME);
                    }
                }
                let mut bytes = hash.to_be_bytes();
                bytes[6] = (bytes[6] & 0x0f) | 0x80;
                bytes[8] = (bytes[8] & 0x3f) | 0x80;
                let mut hex = String::with_capacity(36);
                for (i, byte) in bytes.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        hex.push('-');
                    }
                    let _ = write!(hex, "{byte:02x}");
                }
                hex
            }
        }
    }
}
