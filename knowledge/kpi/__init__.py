"""The indicator catalogue, one subject a module: its shape (``schema``), reading fields and reporting a mistake
(``fields``), numbers (``numbers``), rounds and targets (``rounds``), the whole file's checks (``parse``), and
files on disk (``files``). Import it from ``knowledge.indicators``."""
