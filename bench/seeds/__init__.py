"""Generators of seeded defects, one module per check family.

Each module defines ``seeds(data_dir: Path, rng: random.Random) -> Iterator[evalset.Seed]``
and yields at least 150 seeds per family it covers, built by putting a defect into real text
from ``data_dir`` (a human summary or an offline draft). The defect wording comes from the
module's own templates, written for this project; the surrounding text is the data's.
``bench/eval_checks.py`` finds every module here and reports recall per family.
"""
