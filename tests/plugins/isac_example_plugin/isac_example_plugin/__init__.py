"""A test plugin for isac, installed by scripts/setup.sh: it adds parts only through entry points.

* model adapter scheme `echo-upper:<label>` (group `isac.adapters`): answers every row with the oracle's
  response upper-cased;
* checker kind `starts_with_word` (group `isac.checkers`): the response's first word is a given word.
"""
