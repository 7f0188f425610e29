//! What the server holds between messages: the open documents and the latest analysis of
//! each, shared by the thread that answers requests and the one that publishes
//! diagnostics in the background. An analysis is made when first asked for and kept while
//! its version is the document's.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use super::analysis::{self, Analysis};
use super::documents::{Document, Kind};

#[derive(Debug, Default)]
pub struct State {
    documents: Mutex<BTreeMap<String, Document>>,
    analyses: Mutex<HashMap<String, Arc<Analysis>>>,
    /// The latest analysis of each document that built a model: what completion offers
    /// names from while the text is half-typed and builds none.
    with_model: Mutex<HashMap<String, Arc<Analysis>>>,
    /// Set when an edit arrives, so a simulation under way stops (see `worker.rs`).
    pub interrupt: Arc<AtomicBool>,
}

/// A lock whose holder panicked is still good: every value behind it is replaced whole,
/// never left half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl State {
    pub fn open(&self, document: Document) {
        let uri = document.uri.as_str().to_owned();
        lock(&self.analyses).remove(&uri);
        lock(&self.documents).insert(uri, document);
    }

    /// Replaces a document's text; `None` when it is not open.
    pub fn change(&self, uri: &str, version: i32, text: String) -> Option<Document> {
        let mut documents = lock(&self.documents);
        let document = documents.get_mut(uri)?;
        *document = document.changed(version, text);
        Some(document.clone())
    }

    pub fn close(&self, uri: &str) -> Option<Document> {
        lock(&self.analyses).remove(uri);
        lock(&self.with_model).remove(uri);
        lock(&self.documents).remove(uri)
    }

    pub fn document(&self, uri: &str) -> Option<Document> {
        lock(&self.documents).get(uri).cloned()
    }

    /// The open files of diagrams in a folder (checked again when a spec there changes).
    pub fn diagrams_in(&self, folder: &Path) -> Vec<String> {
        lock(&self.documents)
            .iter()
            .filter(|(_, d)| d.kind == Kind::Diagrams && d.folder() == folder)
            .map(|(uri, _)| uri.clone())
            .collect()
    }

    /// Drops a document's analysis (a spec beside its diagrams changed).
    pub fn forget(&self, uri: &str) {
        lock(&self.analyses).remove(uri);
    }

    /// The analysis of a document's current version, made now if there is none.
    pub fn analysis(&self, uri: &str) -> Option<Arc<Analysis>> {
        let document = self.document(uri)?;
        if let Some(a) = lock(&self.analyses).get(uri)
            && a.version == document.version
        {
            return Some(Arc::clone(a));
        }
        let made = Arc::new(match document.kind {
            Kind::Spec => analysis::spec(&document),
            Kind::Diagrams => analysis::diagrams(&document, &self.specs_in(document.folder())),
            Kind::Other => analysis::other(&document),
        });
        self.keep(uri, Arc::clone(&made));
        Some(made)
    }

    /// Keeps an analysis if its version is still the document's (and not older than the
    /// one kept).
    pub fn keep(&self, uri: &str, analysis: Arc<Analysis>) -> bool {
        let current = lock(&self.documents)
            .get(uri)
            .is_some_and(|d| d.version == analysis.version);
        if !current {
            return false;
        }
        if analysis.saga().is_some() {
            lock(&self.with_model).insert(uri.to_owned(), Arc::clone(&analysis));
        }
        let mut analyses = lock(&self.analyses);
        let newer_kept = analyses
            .get(uri)
            .is_some_and(|a| a.version == analysis.version && a.simulated && !analysis.simulated);
        if !newer_kept {
            analyses.insert(uri.to_owned(), analysis);
        }
        true
    }

    /// The latest analysis of a document that built a model (the current one when it did).
    pub fn last_with_model(&self, uri: &str) -> Option<Arc<Analysis>> {
        let current = self.analysis(uri)?;
        if current.saga().is_some() {
            return Some(current);
        }
        lock(&self.with_model).get(uri).cloned()
    }

    /// The analyses of the open specs in a folder.
    fn specs_in(&self, folder: &Path) -> Vec<Arc<Analysis>> {
        let uris: Vec<String> = lock(&self.documents)
            .iter()
            .filter(|(_, d)| d.kind == Kind::Spec && d.folder() == folder)
            .map(|(uri, _)| uri.clone())
            .collect();
        uris.iter().filter_map(|uri| self.analysis(uri)).collect()
    }
}
