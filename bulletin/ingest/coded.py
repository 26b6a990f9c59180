"""Text columns of millions of rows as their distinct words and each row's code (:class:`Coded`).

What :func:`~.validate.normalise` checks and looks up once per distinct value, not once per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class Coded:
    """A text column as the stripped text of its distinct values (``words``) and each row's position among them.

    Observation files repeat the same station, variable and unit on thousands of rows: every
    check and lookup is done once per distinct value, and the result spread with ``codes``.
    A missing field is the text ''.
    """

    def __init__(self, codes: np.ndarray, words: np.ndarray):
        self.codes = codes.astype(code_type(len(words)), copy=False)  # 1 or 2 bytes a row: files of millions of rows
        self.words = words

    @classmethod
    def of(cls, col: pd.Series) -> Coded:
        """The coded form of a column of text, categories or missing values."""
        if isinstance(col.dtype, pd.CategoricalDtype):  # the reader's codes, as they are
            codes, uniques = col.cat.codes.to_numpy(), col.cat.categories
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
        text = np.array([str(v).strip() for v in np.asarray(uniques, dtype=object)] + [""], dtype=object)
        merged, words = pd.factorize(text)  # " a" and "a" are one word
        missing = codes < 0
        if missing.any():  # a copy: the reader's categories stay as they are
            codes = codes.astype(code_type(len(uniques) + 1))
            codes[missing] = len(uniques)
        return cls(_remap(codes, merged), np.asarray(words, dtype=object))

    @classmethod
    def constant(cls, text: str, n: int) -> Coded:
        """``text`` on each of ``n`` rows."""
        return cls(np.zeros(n, dtype=np.int8), np.array([text], dtype=object))

    def rows(self, word_mask: np.ndarray) -> np.ndarray:
        """The rows whose word is one of those marked in ``word_mask``."""
        word_mask = np.asarray(word_mask, dtype=bool)
        if not word_mask.any():  # the common case: no row, without a pass over them
            return np.zeros(self.codes.size, dtype=bool)
        return word_mask[self.codes]

    def map(self, func) -> Coded:
        """The column with ``func`` applied to each word (equal results merged)."""
        merged, words = pd.factorize(np.array([func(w) for w in self.words], dtype=object))
        return Coded(_remap(self.codes, merged), np.asarray(words, dtype=object))

    def text(self, idx) -> np.ndarray:
        """The text of the rows ``idx``."""
        return self.words[self.codes[idx]]

    def categorical(self) -> pd.Categorical:
        """The rows as a pandas Categorical, its categories sorted."""
        order = np.argsort(self.words.astype(str), kind="stable")
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        used = np.bincount(self.codes, minlength=order.size) > 0
        keep = used[order]
        new_code = np.cumsum(keep) - 1
        return pd.Categorical.from_codes(_remap(self.codes, new_code[rank]),
                                         categories=self.words[order][keep].astype(str))


def code_type(words: int) -> type:
    """The narrowest integer type of the codes of ``words`` words (and -1).

    >>> code_type(2), code_type(300), code_type(70_000)
    (<class 'numpy.int8'>, <class 'numpy.int16'>, <class 'numpy.int32'>)
    """
    return np.int8 if words < 2**7 else np.int16 if words < 2**15 else np.int32


def _remap(codes: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``new[codes]``, without a pass over the rows when ``new`` keeps every code as it is."""
    new = np.asarray(new)
    if np.array_equal(new, np.arange(new.size)):
        return codes
    return new.astype(code_type(int(new.max(initial=0)) + 1))[codes]


def distinct_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys, in increasing order; each row's position among them) of small non-negative integer keys.

    A table of all the keys' values, not a sort or a hash: the keys are products of a few
    hundred codes.

    >>> [a.tolist() for a in distinct_keys(np.array([7, 2, 7, 0]))]
    [[0, 2, 7], [2, 1, 2, 0]]
    """
    present = np.zeros(int(keys.max(initial=-1)) + 1, dtype=bool)
    present[keys] = True
    uniques = np.flatnonzero(present)
    position = np.zeros(present.size, dtype=np.int32)
    position[uniques] = np.arange(uniques.size, dtype=np.int32)
    return uniques, position[keys]
