//! The outbox payload of a version 2 choreography: besides the event's data fields, what
//! the events carry for the handlers (`Message::failure`, `left` with an escalation event,
//! `deadline` with a deadline), so that a consumer behind the relay (Debezium) reads what
//! the tests' broker hands over. They are written as members whose names begin with an
//! underscore (`_failure`, `_left`, `_deadline`), which no data field can take
//! (`[a-z][a-z0-9_]*`): `_failure` is `null` or `{"step", "name", "message"}`, `_left` the
//! owners' ids (`"trigger"` or a step id), `_deadline` milliseconds since the Unix epoch
//! (or `null`).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;

/// `Message::carried_json`, in a version 2 choreography.
pub fn items(plan: &Plan) -> TokenStream {
    if !super::choreography_v2::used(plan) {
        return TokenStream::new();
    }
    let left = super::choreography_v2::escalation_event(plan).map(|_| {
        quote! {
            out.push_str(",\"_left\":[");
            for (i, owner) in self.left.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                // An owner's id is `trigger` or a step id: nothing to escape.
                out.push('"');
                out.push_str(owner.id());
                out.push('"');
            }
            out.push(']');
        }
    });
    let deadline = super::choreography_deadline::used(plan).then(|| {
        quote! {
            out.push_str(",\"_deadline\":");
            match self.deadline.and_then(|d| d.duration_since(SystemTime::UNIX_EPOCH).ok()) {
                Some(since) => out.push_str(&since.as_millis().to_string()),
                None => out.push_str("null"),
            }
        }
    });
    quote! {
        impl Message {
            /// What the event carries beside its data fields, as the outbox payload's members
            /// `_failure` (what ended the forward phase, or `null`), and `_left` and
            /// `_deadline` when the saga has them.
            pub fn carried_json(&self) -> String {
                let mut out = String::from("\"_failure\":");
                match &self.failure {
                    Some(failure) => out.push_str(&outbox::json_object(&[
                        ("step", Some(failure.step)),
                        ("name", Some(&failure.name)),
                        ("message", Some(&failure.message)),
                    ])),
                    None => out.push_str("null"),
                }
                #left
                #deadline
                out
            }
        }
    }
}

/// In `Message::outbox_record`: the carried members appended to `payload` (a mutable
/// binding of the data fields' JSON object).
pub fn append(plan: &Plan) -> TokenStream {
    if !super::choreography_v2::used(plan) {
        return TokenStream::new();
    }
    quote! {
        // The data fields' object, closed after the members the event carries.
        payload.pop();
        if payload.len() > 1 {
            payload.push(',');
        }
        payload.push_str(&self.carried_json());
        payload.push('}');
    }
}

/// In the tests' broker, where the relay publishes a record: its payload carries the
/// event's failure (`null` before one).
pub fn harness_check(plan: &Plan) -> TokenStream {
    if !super::choreography_v2::used(plan) {
        return TokenStream::new();
    }
    quote! {
        assert_eq!(
            record.payload.contains("\"_failure\":null"),
            message.failure.is_none(),
            "the payload carries the failure ({})",
            record.payload
        );
    }
}
