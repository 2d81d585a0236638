"""The site's addresses, in one place so pages, JSON-LD, feeds and the sitemap agree on them.

Pages link to each other root-relatively (`url_for`): that works at `/`, under `/<repo>/`, on a
preview server and at any depth, including the 404 page GitHub Pages serves for every missing path.
Feeds, sitemaps, canonical links and structured data need *absolute* addresses (`absolute`): they
are read away from the site. Those are complete only when site.yml's `base_url` is a full
`https://host/path/` address; with a bare path (`/` or `/<repo>/`) they are written root-relative,
which browsers accept but feed validators and search engines do not. Set a full `base_url` for a
published site. (No warning is printed: a local or preview build is right to use a path.)

A tag's or an outlet's page lives in a folder named after it (`name_slug`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from slugify import slugify

from site_builder.config import SiteConfig

MAX_NAME_SLUG = 80  # a page's folder name; file systems refuse names over 255 bytes


def url_for(config: SiteConfig, path: str = "") -> str:
    """A root-relative URL under the site's base path, so links work at `/` and under `/<repo>/`."""
    return config.base_path + path.lstrip("/")


def has_origin(config: SiteConfig) -> bool:
    """Whether site.yml names the host, so `absolute` can give full addresses."""
    return config.base_url.startswith(("http://", "https://"))


def absolute(config: SiteConfig, path: str = "") -> str:
    """A full address when site.yml gives one (`https://…/`), else a root-relative path."""
    if not has_origin(config):
        return url_for(config, path)
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    return base + path.lstrip("/")


@lru_cache(maxsize=None)
def name_slug(name: str) -> str:
    """slugify, remembered: the same few hundred tag and outlet names come up on every page.

    A name with no letters or digits (`!!!`, an emoji) or a very long one gets a hash of the name,
    so its page neither lands on the list page (`tags//`) nor fails with "file name too long".
    """
    slug = slugify(name)
    if slug and len(slug) <= MAX_NAME_SLUG:
        return slug
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug[:MAX_NAME_SLUG - 11].rstrip('-')}-{digest}".lstrip("-")
