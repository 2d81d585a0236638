"""A site overrides one template or stylesheet; everything else comes from the default theme."""

from __future__ import annotations


def use_theme(site, name="mine"):
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + f"theme: {name}\n")


def test_one_overridden_template_falls_back_to_the_default_theme_for_the_rest(site, run):
    use_theme(site)
    site.write("themes/mine/templates/index.html",
               "{% extends 'base.html' %}{% block main %}<ul class='my-list'>{% for a in articles %}"
               "<li>{{ a.title }} ({{ a.stance }})</li>{% endfor %}</ul>{% endblock %}")
    site.add_article("piece", title="Piece", stance="mixed")
    assert run("build", "--site", site.root).code == 0
    home = site.page("")
    assert home.cssselect(".my-list li")[0].text == "Piece (mixed)"
    assert home.cssselect(".site-header")  # base.html still comes from the default theme
    article = site.page("articles/piece/")
    assert article.cssselect(".context-panel"), "article.html still comes from the default theme"
    assert (site.build_dir / "static" / "style.css").is_file()


def test_a_site_stylesheet_replaces_the_default_one_of_the_same_name(site, run):
    use_theme(site)
    site.write("themes/mine/static/style.css", "body { color: rebeccapurple; }\n")
    site.write("themes/mine/static/extra.js", "// site's own script\n")
    site.add_article("piece")
    assert run("build", "--site", site.root).code == 0
    assert (site.build_dir / "static" / "style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (site.build_dir / "static" / "extra.js").is_file()


def test_a_missing_theme_is_reported(site, run):
    use_theme(site, "nowhere")
    site.add_article("piece")
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert "site.yml: theme `nowhere` not found (create themes/nowhere/ or set `theme: default`)" in result.err
