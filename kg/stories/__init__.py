"""Stories: coverage of the same event across outlets, and copies of the same text.

Two pure functions the build calls:

- :func:`sketch` — per article, wherever the build knows it: an :class:`ArticleFacts` in,
  a small plain-data :class:`Sketch` out, kept in kg's cache.
- :func:`cluster` — once per corpus: all sketches in, :class:`Stories` out
  (every story of two or more articles, and every near-duplicate pair).

Sketches are cached data: :data:`VERSION` says which sketches can be mixed.

>>> from datetime import datetime, timezone
>>> when = datetime(2022, 5, 9, tzinfo=timezone.utc)
>>> arts = [ArticleFacts("https://a.com/1", "Clearview AI settles ACLU lawsuit over face database", published=when),
...         ArticleFacts("https://b.com/2", "Clearview AI agrees to settle ACLU face database lawsuit", published=when)]
>>> [len(s.members) for s in cluster(map(sketch, arts)).stories]
[2]
"""

from .clustering import Duplicate, Stories, Story, cluster
from .sketches import VERSION, ArticleFacts, Sketch, sketch

__all__ = ["ArticleFacts", "Sketch", "sketch", "cluster", "Stories", "Story", "Duplicate", "VERSION"]
