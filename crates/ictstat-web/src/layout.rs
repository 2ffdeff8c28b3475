//! The page shell: head, navigation, search, language switcher and footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::assets;
use crate::ctx::Ctx;
use crate::i18n::Lang;

/// A full page: `title` in the tab and as the heading, `main` as its content.
pub fn page(ctx: &Ctx, title: &str, main: Markup) -> Markup {
    page_titled(ctx, title, None, main)
}

/// A page whose title is in another language than the page (`title_lang`): the catalogue's
/// English names on French and Spanish pages.
pub fn page_titled(ctx: &Ctx, title: &str, title_lang: Option<&str>, main: Markup) -> Markup {
    let lang = ctx.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            (head(ctx, title))
            body {
                a.skip href="#main" { (ctx.t("nav.skip")) }
                header.site {
                    a.brand href=(ctx.link("/")) { "ictstat" }
                    nav aria-label=(ctx.t("nav.label")) {
                        ul {
                            li { a href=(ctx.link("/indicators")) { (ctx.t("nav.indicators")) } }
                            li { a href=(ctx.link("/countries")) { (ctx.t("nav.countries")) } }
                            li { a href=(ctx.link("/availability")) { (ctx.t("nav.availability")) } }
                            li { a href=(ctx.link("/frameworks")) { (ctx.t("nav.frameworks")) } }
                            li { a href=(ctx.link("/releases")) { (ctx.t("nav.releases")) } }
                            @if ctx.session.is_some() {
                                li { a href=(ctx.link("/submissions")) { (ctx.t("nav.submissions")) } }
                            }
                        }
                    }
                    form.search role="search" action="/search" method="get" {
                        label.visually-hidden for="q" { (ctx.t("search.label")) }
                        input #q type="search" name="q" placeholder=(ctx.t("search.placeholder"))
                            value=[ctx.params.get("q").filter(|_| ctx.path == "/search")];
                        @if let Some(l) = ctx.params.get("lang") {
                            input type="hidden" name="lang" value=(l);
                        }
                        button type="submit" { (ctx.t("search.button")) }
                    }
                    (language_switcher(ctx))
                    (account_menu(ctx))
                }
                main #main {
                    h1 lang=[title_lang] { (title) }
                    (main)
                }
                footer.site {
                    p { (ctx.t("footer.sources")) " " a href="/api/v1/metadata" { (ctx.t("footer.licences")) } }
                    p {
                        a href="/api/v1/openapi.json" { (ctx.t("footer.api")) } " · "
                        a href="/sdmx/dataflow" { (ctx.t("footer.sdmx")) } " · "
                        (ctx.f("footer.revision", &[("revision", &ctx.snapshot.revision)]))
                    }
                }
            }
        }
    }
}

/// A chart alone, for `<iframe>` embedding: no navigation, a link back to the full view.
pub fn embed(ctx: &Ctx, title: &str, body: Markup, full_view: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.tag()) {
            (head(ctx, title))
            body.embed {
                main #main {
                    h1 { (title) }
                    (body)
                    p.embed-source { a href=(full_view) target="_top" { (ctx.t("embed.open")) } }
                }
            }
        }
    }
}

fn head(ctx: &Ctx, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · ictstat" }
            meta name="description" content=(ctx.t("site.description"));
            link rel="stylesheet" href=(assets::url("style"));
            // Declared, so that browsers do not ask for a /favicon.ico that does not exist.
            link rel="icon" type="image/svg+xml" href=(assets::url("icon"));
            // Alternate languages of this very view, for search engines and readers.
            @for l in Lang::ALL {
                link rel="alternate" hreflang=(l.tag()) href=(ctx.with("lang", Some(l.tag())));
            }
        }
    }
}

/// "Sign in", or who is signed in and a sign-out button (a form: signing out changes state,
/// so it is a CSRF-protected POST, never a link).
fn account_menu(ctx: &Ctx) -> Markup {
    html! {
        div.account {
            @if let Some(s) = &ctx.session {
                a href=(ctx.link("/account")) { (s.session.user.login) }
                form.signout action=(ctx.link("/signout")) method="post" {
                    (csrf_field(&s.csrf_token))
                    button type="submit" { (ctx.t("account.sign_out")) }
                }
            } @else {
                a href=(ctx.link("/signin")) { (ctx.t("account.sign_in")) }
            }
        }
    }
}

/// The hidden CSRF field every form that changes state carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(ictstat_server::session::CSRF_FIELD) value=(token); }
}

fn language_switcher(ctx: &Ctx) -> Markup {
    html! {
        nav.lang aria-label=(ctx.t("nav.language")) {
            ul {
                @for l in Lang::ALL {
                    li {
                        @if l == ctx.lang {
                            span aria-current="true" lang=(l.tag()) { (l.endonym()) }
                        } @else {
                            a href=(ctx.with("lang", Some(l.tag()))) lang=(l.tag()) hreflang=(l.tag()) { (l.endonym()) }
                        }
                    }
                }
            }
        }
    }
}

/// The marks after a value: `e` for an estimate, `r` for a value that replaced one a release
/// had published; each says what it means on hover, and [`revised_note`] explains `r` once.
pub fn value_marks(ctx: &Ctx, estimated: bool, revised: bool) -> Markup {
    html! {
        @if estimated { " " abbr title=(ctx.t("indicator.estimated")) { "e" } }
        @if revised { " " abbr.revised title=(ctx.t("data.revised")) { "r" } }
    }
}

/// The footnote of a page that marks revised values: what `r` means and where the earlier
/// values are.
pub fn revised_note(ctx: &Ctx) -> Markup {
    html! {
        p.note.revised-note { abbr.revised { "r" } " " (ctx.t("data.revised_note")) }
    }
}

/// Raw, trusted SVG produced by [`crate::svg`] (which escapes every text it writes).
pub fn svg(markup: String) -> PreEscaped<String> {
    PreEscaped(markup)
}
