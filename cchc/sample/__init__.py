"""The sample data: realistic reports, PAR score sheets and faulty files for the first start and the tests.

:mod:`cchc.sample.manifest` names the files and reads and writes the manifests (standard library only: the
first start, :mod:`cchc.bootstrap`, imports nothing else of this package); :mod:`cchc.sample.generate` writes
the whole sample (``python -m cchc sample``) from the unit stories of :mod:`cchc.sample.story`, with the score
sheets of :mod:`cchc.sample.scores` and the faulty files of :mod:`cchc.sample.bad` (which need the development
packages xlwt and msoffcrypto-tool).
"""
