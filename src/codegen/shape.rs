//! Parsing a piece of code once per shape. A crate for a thousand steps has a thousand table
//! rows, match arms and test functions that differ only in their names and literals, and
//! `syn` spends most of the generator's time parsing them one by one. Here a piece's tokens
//! are read once into a [`Shape`] (every token, with names and literals cut out as slots);
//! the first piece of a shape that comes twice is parsed with a placeholder in each slot,
//! which shows where each slot lands in the syntax tree; every piece of that shape is then
//! a copy of that tree with its own names and literals put in.
//!
//! Why that is exact: `syn` decides how to parse from the kinds of the tokens, their
//! punctuation and delimiters, and the text of keywords, never from the text of other
//! names or of string and integer literals (a shape keeps keywords, attribute paths and the
//! contents of macro calls, which `syn` keeps as tokens, in full). A placeholder that lands
//! nowhere (a slot `syn` folds away, such as a tuple index) makes the shape one that is
//! always parsed in full, so a shape is never trusted beyond what its placeholders showed.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::visit_mut::{self, VisitMut};

use super::names::KEYWORDS;

/// A piece of syntax the cache parses: how to parse it and how to visit it.
pub trait Node: Clone + ToTokens {
    fn parse(tokens: TokenStream) -> syn::Result<Self>;
    fn visit(&mut self, visitor: &mut impl VisitMut);
}

/// `Node` for a type that `syn` parses with `Parse`, visited by the given method.
macro_rules! node {
    ($($ty:ty => $visit:ident),* $(,)?) => {$(
        impl Node for $ty {
            fn parse(tokens: TokenStream) -> syn::Result<Self> {
                syn::parse2(tokens)
            }
            fn visit(&mut self, visitor: &mut impl VisitMut) {
                visitor.$visit(self);
            }
        }
    )*};
}

node! {
    syn::Expr => visit_expr_mut,
    syn::Arm => visit_arm_mut,
    syn::Variant => visit_variant_mut,
    syn::TraitItem => visit_trait_item_mut,
    syn::ImplItem => visit_impl_item_mut,
    syn::Item => visit_item_mut,
}

/// A named field has no `Parse` of its own.
impl Node for syn::Field {
    fn parse(tokens: TokenStream) -> syn::Result<Self> {
        syn::Field::parse_named.parse2(tokens)
    }
    fn visit(&mut self, visitor: &mut impl VisitMut) {
        visitor.visit_field_mut(self);
    }
}

/// Names whose text changes how `syn` parses besides the keywords (`names::KEYWORDS`):
/// contextual keywords, and `_`.
const CONTEXTUAL: &[&str] = &[
    "_",
    "auto",
    "builtin",
    "default",
    "macro_rules",
    "raw",
    "safe",
];

/// The names a shape keeps, by length and first byte (a name is looked up among the one
/// or two of its length and initial); every other name is a slot.
static KEPT: std::sync::LazyLock<Vec<Vec<&'static str>>> = std::sync::LazyLock::new(|| {
    let mut kept = vec![Vec::new(); Short::CAPACITY * 128];
    for &name in KEYWORDS.iter().chain(CONTEXTUAL) {
        kept[bucket(name)].push(name);
    }
    kept
});

fn bucket(name: &str) -> usize {
    (name.len() % Short::CAPACITY) * 128
        + usize::from(name.as_bytes().first().map_or(0, |b| b & 0x7f))
}

/// Whether a shape keeps the name's text.
fn is_kept(name: &str) -> bool {
    KEPT[bucket(name)].contains(&name)
}

/// A name's text when it is short enough to be a keyword, written on the stack: most
/// names are longer, and need neither an allocation nor a lookup.
struct Short {
    bytes: [u8; Short::CAPACITY],
    len: usize,
}

impl Short {
    const CAPACITY: usize = 16;

    fn of(ident: &Ident) -> Option<Short> {
        use std::fmt::Write as _;
        let mut short = Short {
            bytes: [0; Short::CAPACITY],
            len: 0,
        };
        write!(short, "{ident}").ok()?;
        Some(short)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for Short {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A name or literal cut out of a piece's tokens.
#[derive(Clone)]
enum Slot {
    Name(Ident),
    Literal(Literal),
}

/// A piece's tokens with its names and literals cut out: `key` is everything else, in
/// order, in a form that can be read back into tokens ([`Shape::tokens`]).
struct Shape {
    key: Vec<u8>,
    slots: Vec<Slot>,
}

const OPEN: u8 = b'(';
const CLOSE: u8 = b')';
const PUNCT: u8 = b'p';
const KEPT_NAME: u8 = b'k';
const KEPT_LITERAL: u8 = b'l';
const NAME_SLOT: u8 = b'i';
const STRING_SLOT: u8 = b's';
const INTEGER_SLOT: u8 = b'n';

/// Integer placeholders count from here, far above any integer the generator writes.
const INTEGER_PLACEHOLDER: u64 = 1 << 40;
/// The prefix of a name placeholder.
const NAME_PLACEHOLDER: &str = "__sagac_slot_";
/// The first character of a string placeholder.
const STRING_PLACEHOLDER: char = '\u{1}';

/// How much of a group's contents is cut into slots.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Within {
    /// Code, and a macro's arguments: every name but a keyword, every string and integer
    /// literal.
    Code,
    /// An attribute: its path and arguments are kept (`syn` keeps a list's arguments as
    /// tokens that the visitors do not reach), its literals cut (`#[doc = "…"]` is parsed
    /// as an expression).
    Attribute,
}

impl Shape {
    fn of(tokens: TokenStream) -> Shape {
        let mut shape = Shape {
            key: Vec::with_capacity(256),
            slots: Vec::with_capacity(32),
        };
        shape.read(tokens, Within::Code);
        shape
    }

    fn read(&mut self, tokens: TokenStream, within: Within) {
        // Whether the last tokens were `#` or `#!`: an attribute's brackets follow.
        let mut after_hash = false;
        for token in tokens {
            after_hash = match token {
                TokenTree::Group(group) => {
                    let delimiter = group.delimiter();
                    let inner = if after_hash && delimiter == Delimiter::Bracket {
                        Within::Attribute
                    } else {
                        within
                    };
                    let stream = group.stream();
                    // The stream is then the only owner of its tokens: read without a copy.
                    drop(group);
                    self.key.push(OPEN);
                    self.key.push(match delimiter {
                        Delimiter::Parenthesis => 0,
                        Delimiter::Brace => 1,
                        Delimiter::Bracket => 2,
                        Delimiter::None => 3,
                    });
                    self.read(stream, inner);
                    self.key.push(CLOSE);
                    false
                }
                TokenTree::Punct(punct) => {
                    let c = punct.as_char();
                    self.key.push(PUNCT);
                    self.push_text(c.encode_utf8(&mut [0; 4]));
                    self.key.push(u8::from(punct.spacing() == Spacing::Joint));
                    c == '#' || (after_hash && c == '!')
                }
                TokenTree::Ident(ident) => {
                    let short = Short::of(&ident);
                    let kept = within == Within::Attribute
                        || short.as_ref().is_some_and(|s| is_kept(s.as_str()));
                    if kept {
                        self.key.push(KEPT_NAME);
                        match &short {
                            Some(s) => self.push_text(s.as_str()),
                            None => self.push_text(&ident.to_string()),
                        }
                    } else {
                        self.key.push(NAME_SLOT);
                        self.slots.push(Slot::Name(ident));
                    }
                    false
                }
                TokenTree::Literal(literal) => {
                    let repr = literal.to_string();
                    let slot = if repr.starts_with('"') && repr.ends_with('"') {
                        Some(STRING_SLOT)
                    } else if repr.bytes().all(|b| b.is_ascii_digit()) {
                        Some(INTEGER_SLOT)
                    } else {
                        None
                    };
                    match slot {
                        Some(kind) => {
                            self.key.push(kind);
                            self.slots.push(Slot::Literal(literal));
                        }
                        None => {
                            self.key.push(KEPT_LITERAL);
                            self.push_text(&repr);
                        }
                    }
                    false
                }
            };
        }
    }

    fn push_text(&mut self, text: &str) {
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        self.key.extend_from_slice(&len.to_le_bytes());
        self.key.extend_from_slice(text.as_bytes());
    }

    /// The tokens back, each slot filled by `fill(index, slot)`.
    fn tokens(&self, mut fill: impl FnMut(usize, &Slot) -> TokenTree) -> TokenStream {
        let mut at = 0;
        let mut slot = 0;
        let stream = self.rebuild(&mut at, &mut slot, &mut fill);
        debug_assert_eq!(at, self.key.len());
        stream
    }

    fn rebuild(
        &self,
        at: &mut usize,
        slot: &mut usize,
        fill: &mut impl FnMut(usize, &Slot) -> TokenTree,
    ) -> TokenStream {
        let mut out = Vec::new();
        while *at < self.key.len() {
            let tag = self.key[*at];
            *at += 1;
            match tag {
                OPEN => {
                    let delimiter = match self.key[*at] {
                        0 => Delimiter::Parenthesis,
                        1 => Delimiter::Brace,
                        2 => Delimiter::Bracket,
                        _ => Delimiter::None,
                    };
                    *at += 1;
                    let inner = self.rebuild(at, slot, fill);
                    out.push(TokenTree::Group(proc_macro2::Group::new(delimiter, inner)));
                }
                CLOSE => break,
                PUNCT => {
                    let c = self.text(at).chars().next().unwrap_or('?');
                    let spacing = if self.key[*at] == 1 {
                        Spacing::Joint
                    } else {
                        Spacing::Alone
                    };
                    *at += 1;
                    out.push(TokenTree::Punct(Punct::new(c, spacing)));
                }
                KEPT_NAME => {
                    let text = self.text(at);
                    out.push(TokenTree::Ident(Ident::new(text, Span::call_site())));
                }
                KEPT_LITERAL => {
                    let text = self.text(at);
                    let literal = text
                        .parse::<Literal>()
                        .unwrap_or_else(|_| Literal::string(text));
                    out.push(TokenTree::Literal(literal));
                }
                _ => {
                    out.push(fill(*slot, &self.slots[*slot]));
                    *slot += 1;
                }
            }
        }
        out.into_iter().collect()
    }

    fn text(&self, at: &mut usize) -> &str {
        let mut len = [0; 4];
        len.copy_from_slice(&self.key[*at..*at + 4]);
        let len = u32::from_le_bytes(len) as usize;
        let text = std::str::from_utf8(&self.key[*at + 4..*at + 4 + len]).unwrap_or("");
        *at += 4 + len;
        text
    }

    /// The tokens with a placeholder in each slot.
    fn placeholders(&self) -> TokenStream {
        self.tokens(|i, slot| match slot {
            Slot::Name(_) => TokenTree::Ident(Ident::new(
                &format!("{NAME_PLACEHOLDER}{i}"),
                Span::call_site(),
            )),
            Slot::Literal(l) if l.to_string().starts_with('"') => {
                TokenTree::Literal(Literal::string(&format!("{STRING_PLACEHOLDER}{i}")))
            }
            Slot::Literal(_) => {
                TokenTree::Literal(Literal::u64_unsuffixed(INTEGER_PLACEHOLDER + i as u64))
            }
        })
    }

    /// The piece's own tokens.
    fn original(&self) -> TokenStream {
        self.tokens(|_, slot| match slot {
            Slot::Name(n) => TokenTree::Ident(n.clone()),
            Slot::Literal(l) => TokenTree::Literal(l.clone()),
        })
    }
}

/// A shape's tree with placeholders, and for each name and literal the tree holds, in the
/// order [`VisitMut`] reaches them, the slot it holds (`None`: not a slot, a keyword such
/// as `self`).
struct Template<T> {
    tree: T,
    places: Vec<Option<u32>>,
    /// Per place: whether it is its slot's last, which can take the piece's own token
    /// instead of a copy (`Message { data }` holds one slot twice).
    last: Vec<bool>,
}

enum Entry<T> {
    /// Seen once: parsed in full, and a template is made if it comes again.
    Seen,
    Template(Template<T>),
    /// A shape whose placeholders did not all land in the tree: always parsed in full.
    Parse,
}

/// The pieces of one type parsed so far, by shape.
pub struct Cache<T> {
    /// foldhash: the keys are a piece's whole shape, hundreds of bytes each.
    entries: HashMap<Vec<u8>, Entry<T>, foldhash::fast::FixedState>,
}

impl<T> Default for Cache<T> {
    fn default() -> Self {
        Cache {
            entries: HashMap::default(),
        }
    }
}

impl<T: Node> Cache<T> {
    /// `tokens` parsed as a `T`: a copy of its shape's template with its names and
    /// literals, or parsed in full.
    pub fn parse(&mut self, tokens: TokenStream) -> syn::Result<T> {
        let shape = Shape::of(tokens);
        match self.entries.get(&shape.key) {
            Some(Entry::Template(template)) => Ok(fill(template, shape.slots)),
            Some(Entry::Parse) => T::parse(shape.original()),
            Some(Entry::Seen) => {
                let entry = match template::<T>(&shape) {
                    Some(template) => Entry::Template(template),
                    None => Entry::Parse,
                };
                let tree = match &entry {
                    Entry::Template(template) => Ok(fill(template, shape.slots)),
                    _ => T::parse(shape.original()),
                };
                self.entries.insert(shape.key, entry);
                tree
            }
            None => {
                let tree = T::parse(shape.original());
                if tree.is_ok() {
                    self.entries.insert(shape.key, Entry::Seen);
                }
                tree
            }
        }
    }
}

/// The template of a shape, if each of its placeholders lands in the tree where the
/// visitors reach it.
fn template<T: Node>(shape: &Shape) -> Option<Template<T>> {
    let mut tree = T::parse(shape.placeholders()).ok()?;
    let mut finder = Places {
        places: Vec::new(),
        reached: vec![0; shape.slots.len()],
    };
    tree.visit(&mut finder);
    // The tree printed must not hold a placeholder more often than the visitors reach it:
    // a copy that `syn` keeps as tokens would keep its placeholder. (It may hold it less
    // often: `Message { data }` is one token and two names in the tree.)
    let mut held = vec![0; shape.slots.len()];
    count_placeholders(tree.to_token_stream(), &mut held);
    let sound = finder
        .reached
        .iter()
        .zip(&held)
        .all(|(&reached, &held)| reached > 0 && held <= reached);
    let mut seen = vec![false; shape.slots.len()];
    let mut last: Vec<bool> = finder
        .places
        .iter()
        .rev()
        .map(|place| match place {
            Some(s) => !std::mem::replace(&mut seen[*s as usize], true),
            None => false,
        })
        .collect();
    last.reverse();
    sound.then_some(Template {
        tree,
        places: finder.places,
        last,
    })
}

/// Counts, per slot, the placeholders tokens hold.
fn count_placeholders(tokens: TokenStream, counts: &mut [u32]) {
    for token in tokens {
        let slot = match token {
            TokenTree::Group(group) => {
                count_placeholders(group.stream(), counts);
                None
            }
            TokenTree::Ident(ident) => name_placeholder(&ident),
            TokenTree::Literal(literal) => literal_placeholder(&literal),
            TokenTree::Punct(_) => None,
        };
        if let Some(count) = slot.and_then(|s| counts.get_mut(s)) {
            *count += 1;
        }
    }
}

/// The slot a name placeholder stands for.
fn name_placeholder(ident: &Ident) -> Option<usize> {
    ident
        .to_string()
        .strip_prefix(NAME_PLACEHOLDER)
        .and_then(|i| i.parse().ok())
}

/// The slot a literal placeholder (as a token) stands for.
fn literal_placeholder(literal: &Literal) -> Option<usize> {
    let repr = literal.to_string();
    let string = repr
        .strip_prefix("\"\\u{1}")
        .and_then(|r| r.strip_suffix('"'))
        .and_then(|i| i.parse().ok());
    string.or_else(|| integer_placeholder(repr.parse().ok()?))
}

fn integer_placeholder(value: u64) -> Option<usize> {
    usize::try_from(value.checked_sub(INTEGER_PLACEHOLDER)?).ok()
}

/// Records which slot each name and literal of a placeholder tree holds, and how often
/// each slot is reached.
struct Places {
    places: Vec<Option<u32>>,
    reached: Vec<u32>,
}

impl Places {
    fn record(&mut self, slot: Option<usize>) {
        let slot = slot.filter(|s| *s < self.reached.len());
        if let Some(s) = slot {
            self.reached[s] += 1;
        }
        self.places.push(slot.and_then(|s| u32::try_from(s).ok()));
    }
}

impl Places {
    /// A macro's arguments, which `syn` keeps as tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Ident(ident) => self.record(name_placeholder(&ident)),
                TokenTree::Literal(literal) => self.record(literal_placeholder(&literal)),
                TokenTree::Punct(_) => {}
            }
        }
    }
}

impl VisitMut for Places {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        self.record(name_placeholder(ident));
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        visit_mut::visit_macro_mut(self, mac);
        self.tokens(mac.tokens.clone());
    }

    fn visit_lit_mut(&mut self, lit: &mut syn::Lit) {
        let slot = match lit {
            syn::Lit::Str(s) => s
                .value()
                .strip_prefix(STRING_PLACEHOLDER)
                .and_then(|i| i.parse().ok()),
            syn::Lit::Int(n) => n.base10_parse().ok().and_then(integer_placeholder),
            _ => None,
        };
        self.record(slot);
    }
}

/// A copy of the template with the piece's names and literals in their places.
fn fill<T: Node>(template: &Template<T>, slots: Vec<Slot>) -> T {
    let mut tree = template.tree.clone();
    let mut filler = Filler {
        places: template.places.iter().zip(&template.last),
        slots: slots.into_iter().map(Some).collect(),
    };
    tree.visit(&mut filler);
    tree
}

struct Filler<'a> {
    places: std::iter::Zip<std::slice::Iter<'a, Option<u32>>, std::slice::Iter<'a, bool>>,
    slots: Vec<Option<Slot>>,
}

impl Filler<'_> {
    /// The slot the next place holds: taken at its last place, copied before.
    fn next(&mut self) -> Option<Slot> {
        let (place, &last) = self.places.next()?;
        let slot = self.slots.get_mut((*place)? as usize)?;
        if last { slot.take() } else { slot.clone() }
    }
}

impl VisitMut for Filler<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if let Some(Slot::Name(name)) = self.next() {
            *ident = name;
        }
    }

    fn visit_lit_mut(&mut self, lit: &mut syn::Lit) {
        if let Some(Slot::Literal(literal)) = self.next() {
            *lit = syn::Lit::new(literal);
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        visit_mut::visit_macro_mut(self, mac);
        mac.tokens = self.tokens(std::mem::take(&mut mac.tokens));
    }
}

impl Filler<'_> {
    /// A macro's arguments with the slots they hold filled.
    fn tokens(&mut self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|token| match token {
                TokenTree::Group(group) => {
                    let mut filled =
                        proc_macro2::Group::new(group.delimiter(), self.tokens(group.stream()));
                    filled.set_span(group.span());
                    TokenTree::Group(filled)
                }
                TokenTree::Ident(ident) => match self.next() {
                    Some(Slot::Name(name)) => TokenTree::Ident(name),
                    _ => TokenTree::Ident(ident),
                },
                TokenTree::Literal(literal) => match self.next() {
                    Some(Slot::Literal(l)) => TokenTree::Literal(l),
                    _ => TokenTree::Literal(literal),
                },
                TokenTree::Punct(punct) => TokenTree::Punct(punct),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    /// Parses each piece through one cache and in full, and compares the trees.
    fn same_as_parsed<T: Node + syn::parse::Parse>(pieces: Vec<TokenStream>) -> Cache<T> {
        let mut cache = Cache::<T>::default();
        for tokens in pieces {
            let cached = cache.parse(tokens.clone()).expect("parses");
            let parsed: T = syn::parse2(tokens).expect("parses");
            assert_eq!(
                cached.to_token_stream().to_string(),
                parsed.to_token_stream().to_string()
            );
        }
        cache
    }

    #[test]
    fn keywords_and_contextual_keywords_are_kept() {
        for name in ["self", "Self", "type", "union", "default", "_"] {
            assert!(is_kept(name), "{name}");
        }
        for name in ["data", "Some", "selfish", "r#type"] {
            assert!(!is_kept(name), "{name}");
        }
    }

    #[test]
    fn pieces_of_one_shape_get_their_own_names_and_literals() {
        let rows = (0..4).map(|i| {
            let id = format!("step_{i}");
            let variant = quote::format_ident!("Step{}", i);
            let stage = proc_macro2::Literal::usize_unsuffixed(i * 7);
            quote!(StepInfo { id: #id, participant: Participant::#variant, stage: #stage })
        });
        same_as_parsed::<syn::Expr>(rows.collect());
        let mut cache = Cache::<syn::Expr>::default();
        for i in 0..3 {
            let id = format!("s{i}");
            cache.parse(quote!(Info { id: #id })).unwrap();
        }
        assert_eq!(cache.entries.len(), 1, "one shape, one template");
        assert!(matches!(
            cache.entries.values().next(),
            Some(Entry::Template(_))
        ));
    }

    #[test]
    fn docs_shorthand_fields_and_macro_arguments_are_filled() {
        let items = (0..3).map(|i| {
            let doc = format!(" Step {i}: \"quoted\" and `code`.");
            let name = quote::format_ident!("do_{}", i as usize);
            let todo = format!("write do_{i}");
            let event = quote::format_ident!("Done{}", i as usize);
            quote! {
                #[doc = #doc]
                fn #name(&mut self, data: SagaData) -> Message {
                    let _ = todo!(#todo);
                    Message { event: Event::#event, data }
                }
            }
        });
        let cache = same_as_parsed::<syn::ImplItem>(items.collect());
        assert!(matches!(
            cache.entries.values().next(),
            Some(Entry::Template(_))
        ));
    }

    #[test]
    fn keywords_stay_in_the_shape() {
        let pieces = vec![
            quote!(self.participant.run(data)),
            quote!(other.participant.run(data)),
            quote!(self.participant.run(data)),
            quote!(Self::run(data)),
        ];
        same_as_parsed::<syn::Expr>(pieces);
    }

    #[test]
    fn a_shape_whose_placeholders_do_not_all_land_is_parsed_in_full() {
        // A tuple index is a literal the tree keeps as a number, not as a literal.
        let pieces: Vec<TokenStream> = (0..3)
            .map(|i| {
                let index = proc_macro2::Literal::usize_unsuffixed(i);
                quote!(pair.#index)
            })
            .collect();
        let cache = same_as_parsed::<syn::Expr>(pieces);
        assert!(matches!(cache.entries.values().next(), Some(Entry::Parse)));
    }

    #[test]
    fn attributes_keep_their_arguments() {
        let pieces = vec![
            quote!(
                #[derive(Debug)]
                A
            ),
            quote!(
                #[derive(Clone)]
                B
            ),
            quote!(
                #[derive(Debug)]
                C
            ),
            quote!(
                #[allow(dead_code)]
                D
            ),
        ];
        same_as_parsed::<syn::Variant>(pieces);
    }
}
