// Which HTML elements carry no document text: non-content elements (scripts, styles, form
// controls, embedded media) and site chrome (navigation, sidebars, page headers and footers,
// permalink anchors). Everything under a dropped element is skipped.
import XML

enum HTMLChrome {
    /// Never content: code, styling, templates, embedded documents and form controls.
    static let nonContent: Set<String> = [
        "script", "style", "noscript", "template", "svg", "iframe", "frame", "frameset", "noframes", "object",
        "applet", "canvas", "audio", "video", "map", "head", "input", "select", "option", "optgroup", "datalist",
        "textarea", "button", "meta", "link", "base",
    ]

    /// Site chrome when it belongs to the page rather than to a piece of content: HTML5 gives
    /// `header`, `footer` and `aside` the banner / contentinfo / complementary roles only outside
    /// `article`, `main` and `section`; inside those they hold the article's own title or notes.
    /// (`nav` is dropped everywhere: inside an article it is a table of contents.)
    static let pageChrome: Set<String> = ["header", "footer", "aside"]
    static let sectioning: Set<String> = ["article", "main", "section"]

    /// ARIA landmark roles of chrome (Sphinx marks its "related" bar and sidebar `navigation`,
    /// its search box `search`, its footer `contentinfo`).
    static let chromeRoles: Set<String> = ["navigation", "search", "banner", "contentinfo", "complementary", "menubar", "toolbar"]

    /// Class names of chrome, matched against each class token. Exact tokens: Sphinx's
    /// `related` bar and `footer`; DocBook's and MkDocs' `toc`; Bootstrap's `navbar`.
    static let chromeClasses: Set<String> = ["related", "footer", "toc", "navbar", "skip-link", "skiplink"]
    /// Substrings of class tokens: `sphinxsidebar`, `sidebar-tree`, `breadcrumb(s)`, and the
    /// `headerlink` / `anchorjs-link` permalink anchors ("¶") next to headings.
    static let chromeClassParts = ["sidebar", "breadcrumb", "headerlink", "anchorjs"]

    /// True when `element` and everything under it should be left out.
    /// `inSectioning` tells whether an `article`, `main` or `section` encloses it.
    static func drops(_ element: XMLElement, inSectioning: Bool) -> Bool {
        let name = element.name
        if nonContent.contains(name) { return true }
        if !inSectioning && pageChrome.contains(name) { return true }
        if name == "nav" { return true }
        if element.attribute("hidden") != nil || element.attribute("aria-hidden") == "true" { return true }
        if let role = element.attribute("role")?.lowercased(), chromeRoles.contains(role) { return true }
        if let classes = element.attribute("class") {
            for token in classes.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                if chromeClasses.contains(String(token)) { return true }
                if chromeClassParts.contains(where: { token.contains($0) }) { return true }
            }
        }
        return false
    }

    /// Elements that start and end a block of text (a paragraph unless something more specific
    /// applies). Unknown elements are inline, like `span`.
    static let blockLevel: Set<String> = [
        "p", "div", "blockquote", "address", "center", "dd", "dt", "figcaption", "figure", "caption", "legend",
        "fieldset", "details", "summary", "dialog", "article", "section", "main", "hgroup", "search", "body", "html",
        "header", "footer", "aside", "nav", "form", "dl", "ul", "ol", "menu", "dir", "listing", "xmp", "plaintext",
        "noembed", "title",
    ]
}
