#!/usr/bin/env python3
"""Draws one SVG picture per demo product into public/images/products/.

The demo shop ships no photographs: each product gets a clean illustrated
tile (category colour, category pictogram, product name). Run it again after
editing server/src/seed/demo_catalogue.json.
"""
import json
import pathlib
import textwrap
from xml.sax.saxutils import escape

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "server/src/seed/demo_catalogue.json"
OUT = ROOT / "public/images/products"

COLOURS = {
    "consoles": ("#1f3a93", "#4a69bd"),
    "jeux-video": ("#6a1b9a", "#ab47bc"),
    "livres": ("#8d5524", "#c68642"),
    "informatique": ("#00695c", "#26a69a"),
    "audio": ("#b71c1c", "#ef5350"),
    "maison": ("#ef6c00", "#ffa726"),
    "telephonie": ("#37474f", "#78909c"),
}

# Simple pictograms drawn in a 120x120 box centred at the top of the tile.
PICTOGRAMS = {
    "consoles": '<rect x="10" y="35" width="100" height="50" rx="25"/><circle cx="38" cy="60" r="9" fill="#0003"/><circle cx="84" cy="54" r="5" fill="#0003"/><circle cx="94" cy="64" r="5" fill="#0003"/>',
    "jeux-video": '<rect x="25" y="15" width="70" height="90" rx="6"/><polygon points="50,45 50,75 76,60" fill="#0003"/>',
    "livres": '<path d="M15 25 h40 a8 8 0 0 1 8 8 v72 a8 8 0 0 0 -8 -8 h-40z"/><path d="M105 25 h-40 a8 8 0 0 0 -8 8 v72 a8 8 0 0 1 8 -8 h40z"/>',
    "informatique": '<rect x="20" y="20" width="80" height="55" rx="4"/><rect x="8" y="80" width="104" height="10" rx="3"/>',
    "audio": '<path d="M20 70 a40 40 0 0 1 80 0" fill="none" stroke="#fff" stroke-width="10"/><rect x="12" y="65" width="22" height="40" rx="8"/><rect x="86" y="65" width="22" height="40" rx="8"/>',
    "maison": '<polygon points="60,15 110,58 98,58 98,105 22,105 22,58 10,58"/><rect x="50" y="72" width="20" height="33" fill="#0003"/>',
    "telephonie": '<rect x="35" y="10" width="50" height="100" rx="10"/><rect x="41" y="20" width="38" height="75" fill="#0003"/>',
}


def svg(product):
    dark, light = COLOURS[product["category"]]
    lines = textwrap.wrap(product["name"], 24)[:3]
    text = "".join(
        f'<text x="200" y="{300 + i * 30}" text-anchor="middle">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{escape(product['name'])}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{light}"/><stop offset="1" stop-color="{dark}"/></linearGradient></defs>
<rect width="400" height="400" fill="url(#g)"/>
<g transform="translate(110 50) scale(1.5)" fill="#fff">{PICTOGRAMS[product["category"]]}</g>
<g font-family="system-ui, sans-serif" font-size="24" font-weight="600" fill="#fff">{text}</g>
</svg>
"""


def main():
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    for product in catalogue["products"]:
        (OUT / f"{product['slug']}.svg").write_text(svg(product), encoding="utf-8")
    # One generic picture per category, for the generated benchmark catalogue.
    for category in COLOURS:
        name = next(c["name_fr"] for c in catalogue["categories"] if c["slug"] == category)
        generic = {"category": category, "name": name}
        (OUT / f"generic-{category}.svg").write_text(svg(generic), encoding="utf-8")
    print(f"wrote {len(catalogue['products'])} images to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
