// What each HTML element means to extraction, and which elements carry no document text:
// non-content elements (scripts, styles, form controls, embedded media) and site chrome
// (navigation, sidebars, page headers and footers, permalink anchors). Everything under a dropped
// element is skipped.
import XML

/// How the block walker treats an element, by tag name.
enum HTMLRole: Equatable {
    /// Never content: code, styling, templates, embedded documents and form controls.
    case nonContent
    /// `nav`: dropped everywhere (inside an article it is a table of contents).
    case navigation
    /// `header`, `footer`, `aside`: site chrome outside `article`/`main`/`section`, where HTML5
    /// gives them the banner / contentinfo / complementary roles; inside those they hold the
    /// article's own title or notes and are kept.
    case pageChrome
    /// `article`, `main`, `section`: blocks that also scope `pageChrome` elements.
    case sectioning
    /// Starts and ends a block of text (a paragraph, or part of the enclosing list item).
    case block
    case heading(Int)
    case preformatted
    case table
    case listItem
    /// `ul`, `ol`, `dl`...: ends the enclosing item's own text; its items follow.
    case list
    case lineBreak
    case rule
    /// Void elements without text (`img`, `wbr`).
    case empty
    /// Everything else, known or not: text flows through (`a`, `em`, `span`, `code`...).
    case inline
}

enum HTMLChrome {
    static let roles: [String: HTMLRole] = {
        var r: [String: HTMLRole] = [:]
        for n in ["script", "style", "noscript", "template", "svg", "iframe", "frame", "frameset", "noframes", "object", "applet",
                  "canvas", "audio", "video", "map", "head", "input", "select", "option", "optgroup", "datalist", "textarea",
                  "button", "meta", "link", "base"] { r[n] = .nonContent }
        for n in ["header", "footer", "aside"] { r[n] = .pageChrome }
        for n in ["article", "main", "section"] { r[n] = .sectioning }
        for n in ["p", "div", "blockquote", "address", "center", "dd", "dt", "figcaption", "figure", "caption", "legend",
                  "fieldset", "details", "summary", "dialog", "hgroup", "search", "body", "html", "form", "noembed", "title",
                  "td", "th", "tr", "thead", "tbody", "tfoot"] { r[n] = .block }
        for n in 1...6 { r["h\(n)"] = .heading(n) }
        for n in ["pre", "listing", "xmp", "plaintext"] { r[n] = .preformatted }
        for n in ["ul", "ol", "menu", "dir", "dl"] { r[n] = .list }
        for n in ["img", "area", "wbr"] { r[n] = .empty }
        r["nav"] = .navigation
        r["table"] = .table
        r["li"] = .listItem
        r["br"] = .lineBreak
        r["hr"] = .rule
        return r
    }()

    static func role(_ element: XMLElement) -> HTMLRole { roles[element.name] ?? .inline }

    /// ARIA landmark roles of chrome (Sphinx marks its "related" bar and sidebar `navigation`,
    /// its search box `search`, its footer `contentinfo`).
    static let chromeRoles: Set<String> = ["navigation", "search", "banner", "contentinfo", "complementary", "menubar", "toolbar"]

    /// Class names of chrome, matched against each class token. Exact tokens: Sphinx's
    /// `related` bar and `footer`; DocBook's and MkDocs' `toc`; Bootstrap's `navbar`.
    static let chromeClasses: Set<Substring> = ["related", "footer", "toc", "navbar", "skip-link", "skiplink"]
    /// Substrings of class tokens: `sphinxsidebar`, `sidebar-tree`, `breadcrumb(s)`, and the
    /// `headerlink` / `anchorjs-link` permalink anchors ("¶") next to headings.
    static let chromeClassParts: [[UInt8]] = ["sidebar", "breadcrumb", "headerlink", "anchorjs"].map { Array($0.utf8) }

    /// True when `element` and everything under it should be left out.
    /// `inSectioning` tells whether an `article`, `main` or `section` encloses it.
    static func drops(_ element: XMLElement, inSectioning: Bool) -> Bool {
        switch role(element) {
        case .nonContent, .navigation: return true
        case .pageChrome where !inSectioning: return true
        default: break
        }
        for a in element.attributes {
            switch a.name {
            case "hidden":
                return true
            case "aria-hidden" where a.value == "true":
                return true
            case "role" where chromeRoles.contains(a.value.lowercased()):
                return true
            case "class":
                for token in a.value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                    if chromeClasses.contains(token) || chromeClassParts.contains(where: { contains(token.utf8, $0) }) { return true }
                }
            default:
                break
            }
        }
        return false
    }

    /// Plain byte search; `Substring.contains(String)` builds a search table per call, which
    /// made class matching the largest cost of extraction.
    private static func contains(_ hay: Substring.UTF8View, _ needle: [UInt8]) -> Bool {
        let h = Array(hay)
        guard h.count >= needle.count else { return false }
        for start in 0...(h.count - needle.count) where h[start] == needle[0] {
            if h[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
