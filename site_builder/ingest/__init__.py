"""Raw articles (scraped text, saved HTML pages, Markdown) -> annotated Markdown articles."""
