"""Tables kept on disk between starts are only a shortcut: the same table with them, without them, or with a
broken file."""

from __future__ import annotations

from pathlib import Path

from thai import _stored


def test_a_stored_table_is_read_back_and_a_broken_one_is_built_again(tmp_path: Path) -> None:
    builds: list[int] = []

    def build() -> dict[str, int]:
        builds.append(1)
        return {"ตัวชี้วัด": 1}

    try:
        _stored.keep_tables_in(tmp_path)
        assert _stored.stored("example", build) == {"ตัวชี้วัด": 1}
        assert _stored.stored("example", build) == {"ตัวชี้วัด": 1}
        assert len(builds) == 1  # the second start read it back
        (saved,) = tmp_path.glob("example-*.pickle")
        assert _stored.fingerprint() in saved.name
        saved.write_bytes(b"not a pickle")
        assert _stored.stored("example", build) == {"ตัวชี้วัด": 1}
        assert len(builds) == 2
        (tmp_path / "example-0000000000000000.pickle").write_bytes(b"old code's table")
        _stored.stored("other", build)
        saved.unlink()
        _stored.stored("example", build)  # a new file: the stale one of the same name goes
        assert [p.name for p in tmp_path.glob("example-*.pickle")] == [saved.name]
    finally:
        _stored.keep_tables_in(None)


def test_without_a_folder_every_start_builds() -> None:
    _stored.keep_tables_in(None)
    assert _stored.stored("example", lambda: 7) == 7
