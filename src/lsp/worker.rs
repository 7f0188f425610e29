//! Diagnostics in the background. Edits come in as jobs; once none has come for the
//! debounce time, each changed document is checked (the static rules, as `sagac check
//! --no-simulate`) and its diagnostics published. Then, one spec at a time, the
//! single-fault simulation (V7xx) runs and the diagnostics are published again with its
//! findings. Any edit interrupts a simulation under way (the shared flag stops the
//! exploration as a spent budget does); the simulation of a document whose text is still
//! current is started again once the edits are checked.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::{
    LogMessageParams, MessageType, PublishDiagnosticsParams,
    notification::{LogMessage, Notification as _, PublishDiagnostics},
};

use super::analysis::{self, Analysis};
use super::guard::catching;
use super::state::State;
use super::{Settings, convert};
use crate::check::Checked;

/// What the thread that reads the client's messages tells this one.
#[derive(Debug)]
pub enum Job {
    /// The document's text changed (or it was opened).
    Changed(String),
    Closed(String),
}

/// Starts the thread; it ends when every sender of jobs is dropped.
pub fn spawn(
    state: Arc<State>,
    out: Sender<Message>,
    settings: Settings,
) -> (Sender<Job>, JoinHandle<()>) {
    let (jobs, receiver) = crossbeam_channel::unbounded();
    let handle = std::thread::Builder::new()
        .name("sagac-diagnostics".to_owned())
        .spawn(move || {
            Worker {
                state,
                out,
                settings,
                jobs: receiver,
                dirty: BTreeSet::new(),
                waiting: BTreeSet::new(),
            }
            .run();
        })
        .unwrap_or_else(|e| panic!("cannot start the diagnostics thread: {e}"));
    (jobs, handle)
}

struct Worker {
    state: Arc<State>,
    out: Sender<Message>,
    settings: Settings,
    jobs: Receiver<Job>,
    /// Documents changed since their diagnostics were last published.
    dirty: BTreeSet<String>,
    /// Specs whose static diagnostics are published and whose simulation is to run.
    waiting: BTreeSet<String>,
}

impl Worker {
    fn run(mut self) {
        loop {
            if self.dirty.is_empty() && self.waiting.is_empty() {
                match self.jobs.recv() {
                    Ok(job) => self.take(job),
                    Err(_) => return,
                }
            }
            if !self.quiet() {
                return;
            }
            for uri in std::mem::take(&mut self.dirty) {
                if let Some(a) = self.publish_checked(&uri)
                    && self.settings.simulate
                    && a.wants_simulation()
                {
                    self.waiting.insert(uri);
                }
            }
            if let Some(uri) = self.waiting.pop_first() {
                // Cleared before looking at the queue: an edit that comes after the look
                // sets it again, and the simulation stops.
                self.state.interrupt.store(false, Ordering::SeqCst);
                if !self.jobs.is_empty() {
                    self.waiting.insert(uri);
                    continue;
                }
                self.simulate(&uri);
            }
        }
    }

    fn take(&mut self, job: Job) {
        match job {
            Job::Changed(uri) => {
                self.waiting.remove(&uri);
                self.dirty.insert(uri);
            }
            Job::Closed(uri) => {
                self.waiting.remove(&uri);
                self.dirty.remove(&uri);
            }
        }
    }

    /// Waits until no job has come for the debounce time, taking those that do; false
    /// when the server is stopping.
    fn quiet(&mut self) -> bool {
        while let Ok(job) = self.jobs.try_recv() {
            self.take(job);
        }
        if self.dirty.is_empty() {
            return true;
        }
        loop {
            match self.jobs.recv_timeout(self.settings.debounce) {
                Ok(job) => self.take(job),
                Err(RecvTimeoutError::Timeout) => return true,
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    /// Checks a document's current text and publishes what was found.
    fn publish_checked(&self, uri: &str) -> Option<Arc<Analysis>> {
        match catching(|| self.state.analysis(uri)) {
            Ok(Some(a)) => {
                self.publish(uri, &a);
                Some(a)
            }
            Ok(None) => None,
            Err(panic) => {
                self.log(format!("sagac lsp: checking {uri} failed: {panic}"));
                None
            }
        }
    }

    /// Runs the simulation of a spec and publishes its diagnostics with the findings.
    fn simulate(&mut self, uri: &str) {
        let Ok(Some(a)) = catching(|| self.state.analysis(uri)) else {
            return;
        };
        if !a.wants_simulation() {
            return;
        }
        let stop = Arc::clone(&self.state.interrupt);
        match catching(|| analysis::simulated(&a, stop)) {
            Ok(Some(diagnostics)) => {
                let done = Arc::new(Analysis {
                    version: a.version,
                    kind: a.kind,
                    checked: Checked {
                        source: a.checked.source.clone(),
                        diagnostics,
                        saga: a.checked.saga.clone(),
                        resolved: a.checked.resolved,
                    },
                    symbols: a.symbols.clone(),
                    simulated: true,
                });
                if self.state.keep(uri, Arc::clone(&done)) {
                    self.publish(uri, &done);
                }
            }
            // Interrupted: again later, if the text is still this one.
            Ok(None) => {
                let current = self
                    .state
                    .document(uri)
                    .is_some_and(|d| d.version == a.version);
                if current {
                    self.waiting.insert(uri.to_owned());
                }
            }
            Err(panic) => self.log(format!("sagac lsp: simulating {uri} failed: {panic}")),
        }
    }

    fn publish(&self, uri: &str, analysis: &Analysis) {
        let Some(document) = self.state.document(uri) else {
            return;
        };
        if document.version != analysis.version {
            return;
        }
        let params = PublishDiagnosticsParams {
            uri: document.uri.clone(),
            diagnostics: convert::diagnostics(
                &document.uri,
                &analysis.checked.source,
                analysis.diagnostics(),
            ),
            version: Some(analysis.version),
        };
        let _ = self
            .out
            .send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into());
    }

    fn log(&self, message: String) {
        let params = LogMessageParams {
            typ: MessageType::ERROR,
            message,
        };
        let _ = self
            .out
            .send(Notification::new(LogMessage::METHOD.to_owned(), params).into());
    }
}

/// How long the worker waits for edits to stop before checking.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(15);
