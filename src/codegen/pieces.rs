//! The many small pieces of a file (a table row per step, a match arm per event, a test per
//! scenario), parsed apart from the file through the shape cache ([`super::shape`]) and put
//! in their places once the rest of the file is parsed. The generator writes a marker where
//! a list of pieces goes (`Pieces::arms` returns one); `super::format::rust_file` swaps each
//! marker for its list.

use std::cell::RefCell;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

use super::shape::{Cache, Node};

/// The prefix of a marker's name; its number is the list's index.
const MARKER: &str = "__sagac_pieces_";

/// A list of parsed pieces, waiting for its marker.
enum List {
    Exprs(Vec<syn::Expr>),
    Arms(Vec<syn::Arm>),
    Variants(Vec<syn::Variant>),
    Fields(Vec<syn::Field>),
    TraitItems(Vec<syn::TraitItem>),
    ImplItems(Vec<syn::ImplItem>),
    Items(Vec<syn::Item>),
}

#[derive(Default)]
struct Caches {
    exprs: Cache<syn::Expr>,
    arms: Cache<syn::Arm>,
    variants: Cache<syn::Variant>,
    fields: Cache<syn::Field>,
    trait_items: Cache<syn::TraitItem>,
    impl_items: Cache<syn::ImplItem>,
    items: Cache<syn::Item>,
}

/// One part's pieces: the shapes seen so far, and the lists waiting for their markers.
#[derive(Default)]
pub struct Pieces {
    caches: RefCell<Caches>,
    lists: RefCell<Vec<Option<List>>>,
    /// The first piece that did not parse (a bug in sagac), reported by `rust_file`.
    error: RefCell<Option<String>>,
}

impl Pieces {
    /// Array elements: the marker goes between `[` and `]`, alone.
    pub fn exprs(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.exprs);
        let marker = self.push(List::Exprs(list));
        quote!(#marker)
    }

    /// Match arms: the marker goes among the arms of a `match`.
    pub fn arms(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.arms);
        let marker = self.push(List::Arms(list));
        quote!(#marker => {})
    }

    /// Enum variants: the marker goes among an enum's variants.
    pub fn variants(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.variants);
        let marker = self.push(List::Variants(list));
        quote!(#marker,)
    }

    /// Named fields (`name: Type`): the marker goes among a struct's fields.
    pub fn fields(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.fields);
        let marker = self.push(List::Fields(list));
        quote!(#marker: (),)
    }

    /// A trait's items: the marker goes among them.
    pub fn trait_items(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.trait_items);
        let marker = self.push(List::TraitItems(list));
        quote!(#marker!();)
    }

    /// An impl block's items: the marker goes among them.
    pub fn impl_items(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.impl_items);
        let marker = self.push(List::ImplItems(list));
        quote!(#marker!();)
    }

    /// Items of a file or a module: the marker goes among them.
    pub fn items(&self, pieces: impl IntoIterator<Item = TokenStream>) -> TokenStream {
        let list = self.parse(pieces, |c| &mut c.items);
        let marker = self.push(List::Items(list));
        quote!(#marker!();)
    }

    fn parse<T: Node>(
        &self,
        pieces: impl IntoIterator<Item = TokenStream>,
        cache: impl Fn(&mut Caches) -> &mut Cache<T>,
    ) -> Vec<T> {
        let mut caches = self.caches.borrow_mut();
        let cache = cache(&mut caches);
        pieces
            .into_iter()
            .filter_map(|tokens| match cache.parse(tokens) {
                Ok(tree) => Some(tree),
                Err(e) => {
                    self.error.borrow_mut().get_or_insert_with(|| e.to_string());
                    None
                }
            })
            .collect()
    }

    fn push(&self, list: List) -> Ident {
        let mut lists = self.lists.borrow_mut();
        let marker = Ident::new(&format!("{MARKER}{}", lists.len()), Span::call_site());
        lists.push(Some(list));
        marker
    }

    /// Swaps every marker in `file` for its list; an error if a piece did not parse or a
    /// marker was not found where its list can go.
    pub fn put_in(&self, file: &mut syn::File) -> Result<(), String> {
        if let Some(e) = self.error.borrow_mut().take() {
            return Err(e);
        }
        let lists = std::mem::take(&mut *self.lists.borrow_mut());
        if lists.is_empty() {
            return Ok(());
        }
        let mut splicer = Splicer {
            lists,
            misplaced: false,
        };
        splicer.visit_file_mut(file);
        if splicer.misplaced {
            return Err("a list of pieces was put where another kind goes".to_owned());
        }
        match splicer.lists.iter().position(Option::is_some) {
            Some(i) => Err(format!("the marker {MARKER}{i} was not found in its place")),
            None => Ok(()),
        }
    }
}

struct Splicer {
    lists: Vec<Option<List>>,
    /// A marker found where another kind of list goes.
    misplaced: bool,
}

impl Splicer {
    /// The list a marker name stands for, taken.
    fn take(&mut self, ident: &Ident) -> Option<List> {
        let text = ident.to_string();
        let i: usize = text.strip_prefix(MARKER)?.parse().ok()?;
        self.lists.get_mut(i)?.take()
    }

    fn marker_of_path(&mut self, path: &syn::Path) -> Option<List> {
        path.get_ident().and_then(|i| self.take(i))
    }

    /// Replaces, in `items`, each element `marker` recognizes by the list it names.
    fn splice<T>(
        &mut self,
        items: Vec<T>,
        marker: impl Fn(&mut Self, &T) -> Option<List>,
        unwrap: impl Fn(List) -> Option<Vec<T>>,
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match marker(self, &item).map(&unwrap) {
                Some(Some(list)) => out.extend(list),
                Some(None) => {
                    self.misplaced = true;
                    out.push(item);
                }
                None => out.push(item),
            }
        }
        out
    }
}

impl Splicer {
    /// The lists of items whose markers a file or a module holds.
    fn splice_items(&mut self, items: &mut Vec<syn::Item>) {
        let taken = std::mem::take(items);
        *items = self.splice(
            taken,
            |s, item| match item {
                syn::Item::Macro(m) => macro_marker(&m.mac).and_then(|i| s.take(i)),
                _ => None,
            },
            |list| match list {
                List::Items(v) => Some(v),
                _ => None,
            },
        );
    }
}

fn punctuated<T, P: Default>(items: Vec<T>) -> Punctuated<T, P> {
    let mut p = Punctuated::new();
    for item in items {
        p.push(item);
    }
    p
}

fn macro_marker(mac: &syn::Macro) -> Option<&Ident> {
    mac.tokens
        .is_empty()
        .then(|| mac.path.get_ident())
        .flatten()
}

/// Each node's children are visited before its own markers are swapped, so the pieces
/// put in (which hold no markers) are not walked again.
impl VisitMut for Splicer {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        visit_mut::visit_file_mut(self, file);
        self.splice_items(&mut file.items);
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        visit_mut::visit_item_mod_mut(self, module);
        if let Some((_, items)) = &mut module.content {
            self.splice_items(items);
        }
    }

    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        visit_mut::visit_item_impl_mut(self, block);
        let items = std::mem::take(&mut block.items);
        block.items = self.splice(
            items,
            |s, item| match item {
                syn::ImplItem::Macro(m) => macro_marker(&m.mac).and_then(|i| s.take(i)),
                _ => None,
            },
            |list| match list {
                List::ImplItems(v) => Some(v),
                _ => None,
            },
        );
    }

    fn visit_item_trait_mut(&mut self, t: &mut syn::ItemTrait) {
        visit_mut::visit_item_trait_mut(self, t);
        let items = std::mem::take(&mut t.items);
        t.items = self.splice(
            items,
            |s, item| match item {
                syn::TraitItem::Macro(m) => macro_marker(&m.mac).and_then(|i| s.take(i)),
                _ => None,
            },
            |list| match list {
                List::TraitItems(v) => Some(v),
                _ => None,
            },
        );
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        visit_mut::visit_item_enum_mut(self, e);
        let variants = std::mem::take(&mut e.variants).into_iter().collect();
        e.variants = punctuated(self.splice(
            variants,
            |s, v: &syn::Variant| {
                (v.attrs.is_empty() && matches!(v.fields, syn::Fields::Unit))
                    .then(|| s.take(&v.ident))
                    .flatten()
            },
            |list| match list {
                List::Variants(v) => Some(v),
                _ => None,
            },
        ));
    }

    fn visit_fields_named_mut(&mut self, fields: &mut syn::FieldsNamed) {
        visit_mut::visit_fields_named_mut(self, fields);
        let named = std::mem::take(&mut fields.named).into_iter().collect();
        fields.named = punctuated(self.splice(
            named,
            |s, f: &syn::Field| f.ident.as_ref().and_then(|i| s.take(i)),
            |list| match list {
                List::Fields(v) => Some(v),
                _ => None,
            },
        ));
    }

    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        visit_mut::visit_expr_match_mut(self, m);
        let arms = std::mem::take(&mut m.arms);
        m.arms = self.splice(
            arms,
            |s, arm: &syn::Arm| match &arm.pat {
                syn::Pat::Ident(p) => s.take(&p.ident),
                _ => None,
            },
            |list| match list {
                List::Arms(v) => Some(v),
                _ => None,
            },
        );
    }

    fn visit_expr_array_mut(&mut self, array: &mut syn::ExprArray) {
        visit_mut::visit_expr_array_mut(self, array);
        let elems = std::mem::take(&mut array.elems).into_iter().collect();
        array.elems = punctuated(self.splice(
            elems,
            |s, e: &syn::Expr| match e {
                syn::Expr::Path(p) if p.qself.is_none() => s.marker_of_path(&p.path),
                _ => None,
            },
            |list| match list {
                List::Exprs(v) => Some(v),
                _ => None,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(pieces: &Pieces, tokens: TokenStream) -> Result<String, String> {
        let mut file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        pieces.put_in(&mut file)?;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn every_list_goes_where_its_marker_is() {
        let pieces = Pieces::default();
        let rows = pieces.exprs((0..2).map(|i| {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#i)
        }));
        let variants = pieces.variants(["A", "B"].map(|v| {
            let v = Ident::new(v, Span::call_site());
            quote!(#v)
        }));
        let arms = pieces.arms([quote!(E::A => 1,), quote!(E::B => 2,)]);
        let fields = pieces.fields([quote!(pub a: u8), quote!(pub b: u8)]);
        let methods = pieces.trait_items([
            quote!(
                fn a(&self);
            ),
            quote!(
                fn b(&self);
            ),
        ]);
        let impls = pieces.impl_items([quote!(
            fn a(&self) {}
        )]);
        let items = pieces.items([
            quote!(
                struct X;
            ),
            quote!(
                struct Y;
            ),
        ]);
        let inner = pieces.items([quote!(
            struct Z;
        )]);
        let text = file(
            &pieces,
            quote! {
                static ROWS: [usize; 3] = [#rows, 9];
                enum E { #variants C }
                fn f(e: E) -> u8 { match e { #arms E::C => 3 } }
                struct S { #fields }
                trait T { #methods }
                impl T for S { #impls }
                #items
                mod m { #inner }
            },
        )
        .unwrap();
        let expected = file(
            &Pieces::default(),
            quote! {
                static ROWS: [usize; 3] = [0, 1, 9];
                enum E { A, B, C }
                fn f(e: E) -> u8 { match e { E::A => 1, E::B => 2, E::C => 3 } }
                struct S { pub a: u8, pub b: u8 }
                trait T { fn a(&self); fn b(&self); }
                impl T for S { fn a(&self) {} }
                struct X;
                struct Y;
                mod m { struct Z; }
            },
        )
        .unwrap();
        assert_eq!(text, expected);
    }

    #[test]
    fn a_marker_out_of_place_or_lost_is_an_error() {
        let pieces = Pieces::default();
        let arms = pieces.arms([quote!(_ => 1,)]);
        // Match arms written where items go.
        let marker = arms.into_iter().next().unwrap();
        let error = file(&pieces, quote!(#marker!();)).unwrap_err();
        assert!(error.contains("another kind"), "{error}");

        let pieces = Pieces::default();
        let _lost = pieces.items([quote!(
            struct X;
        )]);
        let error = file(
            &pieces,
            quote!(
                struct Y;
            ),
        )
        .unwrap_err();
        assert!(error.contains("not found"), "{error}");
    }

    #[test]
    fn a_piece_that_does_not_parse_is_an_error() {
        let pieces = Pieces::default();
        let items = pieces.items([quote!(struct;)]);
        assert!(file(&pieces, items).is_err());
    }
}
