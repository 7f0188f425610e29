//! `sagac lsp`: a Language Server Protocol server, so the checker, the simulator and the
//! diagrams live in the editor. It is built on the library the command line uses: a
//! document is checked by `check` (the same limits, rules and codes), hover and
//! navigation read the model (`model::symbols`), completion reads the schema
//! (`syntax::keys_at`), and the diagram request draws with `diagram`. Nothing here decides
//! what a spec means; this module only answers in the protocol's terms.
//!
//! Framing and the handshake are `lsp-server`'s (rust-analyzer's scaffold), over a stdio
//! transport that bounds what it reads (`transport.rs`); the messages are `lsp-types`'. The thread that reads messages answers requests; diagnostics are
//! published by a second one in the background (`worker.rs`). Documented for users in
//! `docs/editors.md`.

mod actions;
mod analysis;
mod completion;
mod convert;
mod diagram;
mod documents;
mod edits;
mod guard;
mod hover;
mod navigation;
mod position;
mod state;
mod symbols;
pub mod transport;
mod worker;

pub use analysis::Analysis;
pub use diagram::{DIAGRAM_METHOD, DiagramParams, DiagramResult};

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    HoverProviderCapability, InitializeParams, OneOf, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    Uri,
};
use serde_json::Value;

use documents::Document;
use state::State;
use worker::Job;

/// What the client may set in `initializationOptions`.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long edits must pause before a document is checked (`debounceMs`).
    pub debounce: Duration,
    /// Whether the single-fault simulation runs after the rules (`simulate`).
    pub simulate: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debounce: worker::DEFAULT_DEBOUNCE,
            simulate: true,
        }
    }
}

impl Settings {
    fn from_options(options: Option<&Value>) -> Settings {
        let mut settings = Settings::default();
        if let Some(ms) = options
            .and_then(|o| o.get("debounceMs"))
            .and_then(Value::as_u64)
        {
            settings.debounce = Duration::from_millis(ms.min(10_000));
        }
        if let Some(simulate) = options
            .and_then(|o| o.get("simulate"))
            .and_then(Value::as_bool)
        {
            settings.simulate = simulate;
        }
        settings
    }
}

/// What the server can do, as told to the client.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), ".".into(), "-".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// Serves one client on a connection until it shuts the server down (or goes away).
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let settings = Settings::from_options(params.initialization_options.as_ref());
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "sagac", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let state = Arc::new(State::default());
    let (jobs, worker) = worker::spawn(Arc::clone(&state), connection.sender.clone(), settings);
    let server = Server {
        state,
        jobs,
        out: connection.sender.clone(),
    };
    let mut outcome = Ok(());
    for message in &connection.receiver {
        match message {
            Message::Request(request) => match connection.handle_shutdown(&request) {
                Ok(true) => break,
                Ok(false) => {
                    let _ = connection.sender.send(server.answer(request).into());
                }
                Err(e) => {
                    outcome = Err(e.to_string());
                    break;
                }
            },
            Message::Notification(notification) => server.notify(notification),
            Message::Response(_) => {}
        }
    }
    drop(server);
    let _ = worker.join();
    outcome
}

struct Server {
    state: Arc<State>,
    jobs: crossbeam_channel::Sender<Job>,
    out: crossbeam_channel::Sender<Message>,
}

impl Server {
    fn notify(&self, notification: Notification) {
        let method = notification.method.clone();
        if let Err(panic) = guard::catching(|| self.on_notification(notification)) {
            eprintln!("sagac lsp: {method} failed: {panic}");
        }
    }

    fn on_notification(&self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = params::<DidOpenTextDocumentParams>(notification.params) {
                    let d = p.text_document;
                    let document = Document::new(d.uri, d.version, d.text);
                    let uri = document.uri.as_str().to_owned();
                    let folder = document.folder().to_owned();
                    self.state.open(document);
                    self.changed(uri, &folder);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = params::<DidChangeTextDocumentParams>(notification.params)
                    && let Some(change) = p.content_changes.into_iter().last()
                {
                    let uri = p.text_document.uri.as_str().to_owned();
                    let version = p.text_document.version;
                    if let Some(d) = self.state.change(&uri, version, change.text) {
                        self.changed(uri, d.folder());
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = params::<DidCloseTextDocumentParams>(notification.params) {
                    let uri = p.text_document.uri.as_str().to_owned();
                    self.state.close(&uri);
                    let _ = self.jobs.send(Job::Closed(uri));
                    self.clear(p.text_document.uri);
                }
            }
            _ => {}
        }
    }

    /// A document changed: it is checked again, and so are the diagrams beside it, which
    /// are compared with the specs of their folder.
    fn changed(&self, uri: String, folder: &std::path::Path) {
        for diagrams in self.state.diagrams_in(folder) {
            if diagrams != uri {
                self.state.forget(&diagrams);
                let _ = self.jobs.send(Job::Changed(diagrams));
            }
        }
        let _ = self.jobs.send(Job::Changed(uri));
        self.state.interrupt.store(true, Ordering::SeqCst);
    }

    /// Clears a closed document's diagnostics (the worker publishes only for open ones,
    /// and checks its version against the open document, so none comes after this).
    fn clear(&self, uri: Uri) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics: Vec::new(),
            version: None,
        };
        let _ = self
            .out
            .send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into());
    }

    /// The answer to a request; a panic while making it is an error answer.
    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let method = request.method.clone();
        match guard::catching(|| self.dispatch(request)) {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(panic) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("sagac lsp: {method} failed: {panic}"),
            ),
        }
    }

    fn dispatch(&self, request: Request) -> Result<Value, (ErrorCode, String)> {
        let state = &self.state;
        let p = request.params;
        let answer = match request.method.as_str() {
            HoverRequest::METHOD => json(hover::hover(state, params(p)?)),
            GotoDefinition::METHOD => json(navigation::definition(state, params(p)?)),
            References::METHOD => json(navigation::references(state, params(p)?)),
            Completion::METHOD => json(completion::complete(state, params(p)?)),
            CodeActionRequest::METHOD => json(actions::actions(state, params(p)?)),
            DocumentSymbolRequest::METHOD => json(symbols::outline(state, params(p)?)),
            DIAGRAM_METHOD => return diagram::request(state, params(p)?),
            other => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("sagac lsp does not answer `{other}`"),
                ));
            }
        };
        Ok(answer)
    }
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Parses a URI, for the tests and benches that drive the server.
pub fn uri(text: &str) -> Option<Uri> {
    Uri::from_str(text).ok()
}
