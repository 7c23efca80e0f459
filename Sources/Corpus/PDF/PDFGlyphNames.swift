// Glyph names to Unicode (ISO 32000-1 §9.10.2 step 2): the Adobe Glyph List names that real text
// fonts use for Latin text (letters, accented letters, digits, punctuation, quotes, dashes,
// ligatures, common symbols, TeX math names), plus the uniXXXX / uXXXX[XX] forms and `_`-joined ligature names.

enum PDFGlyphNames {
    /// "name HEX" pairs; parsed once into `table`.
    private static let list = """
reflexsubset 2286 reflexsuperset 2287 propersubset 2282 propersuperset 2283 element 2208 notelement 2209
union 222A intersection 2229 universal 2200 existential 2203 emptyset 2205 logicaland 2227 logicalor 2228
arrowdblright 21D2 arrowdblleft 21D0 arrowdblboth 21D4 similar 223C equivalence 2261 asteriskmath 2217
circlemultiply 2297 circleplus 2295 nabla 2207 perpendicular 22A5 angleleft 2329 angleright 232A
A 0041 AE 00C6 Aacute 00C1 Abreve 0102 Acircumflex 00C2 Adieresis 00C4 Agrave 00C0 Alpha 0391
Amacron 0100 Aogonek 0104 Aring 00C5 Atilde 00C3 B 0042 Beta 0392 C 0043 Cacute 0106 Ccaron 010C
Ccedilla 00C7 Ccircumflex 0108 Cdot 010A Cdotaccent 010A D 0044 Dcaron 010E Dcroat 0110 Delta 2206
Dstroke 0110 E 0045 Eacute 00C9 Ebreve 0114 Ecaron 011A Ecircumflex 00CA Edieresis 00CB Edot 0116
Edotaccent 0116 Egrave 00C8 Emacron 0112 Eng 014A Eogonek 0118 Eth 00D0 Euro 20AC F 0046 G 0047
Gamma 0393 Gbreve 011E Gcedilla 0122 Gcircumflex 011C Gdot 0120 Gdotaccent 0120 H 0048 Hbar 0126
Hcircumflex 0124 Hstroke 0126 I 0049 IJ 0132 Iacute 00CD Ibreve 012C Icircumflex 00CE
Idieresis 00CF Idot 0130 Idotaccent 0130 Igrave 00CC Imacron 012A Iogonek 012E Itilde 0128 J 004A
Jcircumflex 0134 K 004B Kcedilla 0136 L 004C Lacute 0139 Lambda 039B Lcaron 013D Lcedilla 013B
Ldot 013F Lslash 0141 M 004D N 004E Nacute 0143 Ncaron 0147 Ncedilla 0145 Ntilde 00D1 O 004F
OE 0152 Oacute 00D3 Obreve 014E Ocircumflex 00D4 Odieresis 00D6 Ograve 00D2 Ohungarumlaut 0150
Omacron 014C Omega 2126 Oslash 00D8 Otilde 00D5 P 0050 Phi 03A6 Pi 03A0 Psi 03A8 Q 0051 R 0052
Racute 0154 Rcaron 0158 Rcedilla 0156 S 0053 Sacute 015A Scaron 0160 Scedilla 015E Scircumflex 015C
Sigma 03A3 T 0054 Tbar 0166 Tcaron 0164 Tcedilla 0162 Theta 0398 Thorn 00DE Tstroke 0166 U 0055
Uacute 00DA Ubreve 016C Ucircumflex 00DB Udieresis 00DC Ugrave 00D9 Uhungarumlaut 0170 Umacron 016A
Uogonek 0172 Uring 016E Utilde 0168 V 0056 W 0057 Wcircumflex 0174 X 0058 Xi 039E Y 0059
Yacute 00DD Ycircumflex 0176 Ydieresis 0178 Z 005A Zacute 0179 Zcaron 017D Zdot 017B
Zdotaccent 017B a 0061 aacute 00E1 abreve 0103 acircumflex 00E2 acute 00B4 adieresis 00E4 ae 00E6
agrave 00E0 alpha 03B1 amacron 0101 ampersand 0026 aogonek 0105 approxequal 2248 aring 00E5
arrowboth 2194 arrowdown 2193 arrowleft 2190 arrowright 2192 arrowup 2191 asciicircum 005E
asciitilde 007E asterisk 002A at 0040 atilde 00E3 b 0062 backslash 005C bar 007C beta 03B2
blackbullet 2022 braceleft 007B braceright 007D bracketleft 005B bracketright 005D breve 02D8
brokenbar 00A6 bullet 2022 c 0063 cacute 0107 caron 02C7 ccaron 010D ccedilla 00E7 ccircumflex 0109
cdot 010B cdotaccent 010B cedilla 00B8 cent 00A2 checkmark 2713 chi 03C7 circumflex 02C6 colon 003A
colonmonetary 20A1 comma 002C copyright 00A9 currency 00A4 d 0064 dagger 2020 daggerdbl 2021
dbldagger 2021 dcaron 010F dcroat 0111 degree 00B0 delta 03B4 dieresis 00A8 dieresistonos 0385
divide 00F7 dollar 0024 dotaccent 02D9 dotlessi 0131 dotlessj 0237 dstroke 0111 e 0065 eacute 00E9
ebreve 0115 ecaron 011B ecircumflex 00EA edieresis 00EB edot 0117 edotaccent 0117 egrave 00E8
eight 0038 ellipsis 2026 emacron 0113 emdash 2014 emspace 2003 endash 2013 eng 014B enspace 2002
eogonek 0119 epsilon 03B5 equal 003D eta 03B7 eth 00F0 euro 20AC exclam 0021 exclamdbl 203C
exclamdown 00A1 f 0066 ff FB00 ffi FB03 ffl FB04 fi FB01 figuredash 2012 five 0035 fl FB02
florin 0192 four 0034 fraction 2044 franc 20A3 g 0067 gamma 03B3 gbreve 011F gcedilla 0123
gcircumflex 011D gdot 0121 gdotaccent 0121 germandbls 00DF grave 0060 greater 003E
greaterequal 2265 guillemotleft 00AB guillemotright 00BB guilsinglleft 2039 guilsinglright 203A
h 0068 hairspace 200A hbar 0127 hcircumflex 0125 hstroke 0127 hungarumlaut 02DD hyphen 002D i 0069
iacute 00ED ibreve 012D icircumflex 00EE idieresis 00EF igrave 00EC ij 0133 imacron 012B
infinity 221E integral 222B iogonek 012F iota 03B9 itilde 0129 j 006A jcircumflex 0135 k 006B
kappa 03BA kcedilla 0137 kgreenlandic 0138 l 006C lacute 013A lambda 03BB lcaron 013E lcedilla 013C
ldot 0140 less 003C lessequal 2264 lira 20A4 logicalnot 00AC longs 017F lozenge 25CA lslash 0142
m 006D macron 00AF middot 00B7 minus 2212 minute 2032 mu 00B5 multiply 00D7 n 006E nacute 0144
napostrophe 0149 nbspace 00A0 ncaron 0148 ncedilla 0146 nine 0039 nonbreakingspace 00A0
notequal 2260 ntilde 00F1 nu 03BD numbersign 0023 o 006F oacute 00F3 obreve 014F ocircumflex 00F4
odieresis 00F6 oe 0153 ogonek 02DB ograve 00F2 ohungarumlaut 0151 omacron 014D omega 03C9
omicron 03BF one 0031 onehalf 00BD onequarter 00BC onesuperior 00B9 openbullet 25E6
ordfeminine 00AA ordmasculine 00BA oslash 00F8 otilde 00F5 p 0070 paragraph 00B6 parenleft 0028
parenright 0029 partialdiff 2202 percent 0025 period 002E periodcentered 00B7 perthousand 2030
peseta 20A7 phi 03C6 pi 03C0 plus 002B plusminus 00B1 product 220F psi 03C8 q 0071 question 003F
questiondown 00BF quotedbl 0022 quotedblbase 201E quotedblleft 201C quotedblright 201D
quoteleft 2018 quotereversed 201B quoteright 2019 quotesinglbase 201A quotesingle 0027 r 0072
racute 0155 radical 221A rcaron 0159 rcedilla 0157 registered 00AE rho 03C1 ring 02DA s 0073
sacute 015B scaron 0161 scedilla 015F scircumflex 015D second 2033 section 00A7 semicolon 003B
seven 0037 sfthyphen 00AD sigma 03C3 six 0036 slash 002F softhyphen 00AD space 0020 sterling 00A3
summation 2211 t 0074 tau 03C4 tbar 0167 tcaron 0165 tcedilla 0163 theta 03B8 thinspace 2009
thorn 00FE three 0033 threequarters 00BE threesuperior 00B3 tilde 02DC trademark 2122 tstroke 0167
two 0032 twosuperior 00B2 u 0075 uacute 00FA ubreve 016D ucircumflex 00FB udieresis 00FC
ugrave 00F9 uhungarumlaut 0171 umacron 016B underscore 005F underscoredbl 2017 uogonek 0173
upsilon 03C5 uring 016F utilde 0169 v 0076 w 0077 wcircumflex 0175 x 0078 xi 03BE y 0079
yacute 00FD ycircumflex 0177 ydieresis 00FF yen 00A5 z 007A zacute 017A zcaron 017E zdot 017C
zdotaccent 017C zero 0030 zerowidthspace 200B zeta 03B6
"""

    private static let table: [String: String] = {
        var t: [String: String] = [:]
        let words = list.split(whereSeparator: { $0 == " " || $0 == "\n" })
        var i = 0
        while i + 1 < words.count {
            if let v = UInt32(words[i + 1], radix: 16), let s = Unicode.Scalar(v) { t[String(words[i])] = String(Character(s)) }
            i += 2
        }
        return t
    }()

    /// The text for a glyph name, or nil when the name says nothing (".notdef", "g123", "cid42").
    static func text(for name: String) -> String? {
        if let t = table[name] { return t }
        // "a.sc", "one.oldstyle": the part before the first period names the character.
        if let dot = name.firstIndex(of: "."), dot != name.startIndex {
            return text(for: String(name[..<dot]))
        }
        // "f_f_i": a ligature of its components.
        if name.contains("_") {
            let parts = name.split(separator: "_").map { text(for: String($0)) }
            if !parts.isEmpty, parts.allSatisfy({ $0 != nil }) { return parts.compactMap { $0 }.joined() }
            return nil
        }
        if name.hasPrefix("uni"), name.count >= 7, (name.count - 3) % 4 == 0 {
            // uniXXXX[XXXX...]: UTF-16 code units without surrogates.
            var out = ""
            var s = name.dropFirst(3)
            while !s.isEmpty {
                guard let v = UInt32(s.prefix(4), radix: 16), let u = Unicode.Scalar(v) else { return nil }
                out.unicodeScalars.append(u)
                s = s.dropFirst(4)
            }
            return out
        }
        if name.hasPrefix("u"), (5...7).contains(name.count), let v = UInt32(name.dropFirst(), radix: 16),
           let u = Unicode.Scalar(v) {
            return String(Character(u))
        }
        return nil
    }
}
