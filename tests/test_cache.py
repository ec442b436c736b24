"""The warm cache of validate (issue 14, part 2): never another result, never trusted blindly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CASES, ROOT

from zcd_schema.project.cache import FOLDER, DocumentCache

FORMATS = ("text", "json", "github", "sarif")
FOLDERS = [p for p in sorted(CASES.iterdir()) if p.is_dir()] + [
    ROOT / "examples" / name for name in ("fleet", "quickstart")
]


@pytest.fixture(autouse=True)
def own_signing_key(tmp_path, monkeypatch):
    """Each test signs with a key of its own (made on first use), not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def _copy(folder: Path, tmp_path: Path) -> Path:
    root = tmp_path / folder.name
    shutil.copytree(folder, root, symlinks=True, ignore=shutil.ignore_patterns(".zcd"))
    return root


def _validate(zcd, root, *options):
    result = zcd("validate", "--project", root, *options)
    return result.code, result.out, result.err


def _debug(zcd, root) -> str:
    [line] = [
        line
        for line in zcd("--debug", "validate", "--project", root).err.splitlines()
        if line.startswith("debug: cache:")
    ]
    return line


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_case_cold_and_warm_prints_the_same_bytes(folder, tmp_path, zcd):
    root = _copy(folder, tmp_path)
    for options in [*(("--format", f) for f in FORMATS), ("--strict",)]:
        cold = _validate(zcd, root, *options, "--no-cache")
        assert not (root / FOLDER).exists(), "--no-cache writes nothing"
        filling = _validate(zcd, root, *options)
        warm = _validate(zcd, root, *options)
        assert filling == cold, options
        assert warm == cold, options
        shutil.rmtree(root / ".zcd", ignore_errors=True)
    zcd("validate", "--project", root)
    assert _debug(zcd, root).endswith(", 0 read and kept"), "the warm run parsed a file"
    if _entries(root):  # never committed by accident
        assert (root / ".zcd" / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"


def test_a_one_file_change_reads_that_file_again(tmp_path, zcd):
    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    assert _debug(zcd, root) == "debug: cache: 0 file(s) unchanged, 4 read and kept"
    assert _debug(zcd, root) == "debug: cache: 4 file(s) unchanged, 0 read and kept"
    garage = root / "garages.yaml"
    garage.write_text(
        garage.read_text("utf-8").replace("title: Garage\n", "title: Workshop\n", 1), "utf-8"
    )
    assert _debug(zcd, root) == "debug: cache: 3 file(s) unchanged, 1 read and kept"
    # the change is seen, not the cached old text: a broken file is reported at once
    garage.write_text(garage.read_text("utf-8") + "  oops: [\n", "utf-8")
    code, out, _ = _validate(zcd, root)
    assert code == 1 and "ZCD001" in out
    # and back: the earlier entry is still there
    garage.write_text(garage.read_text("utf-8").replace("  oops: [\n", ""), "utf-8")
    assert _debug(zcd, root) == "debug: cache: 4 file(s) unchanged, 0 read and kept"


def _entries(root: Path) -> list[Path]:
    return sorted((root / FOLDER).glob("*.json"))


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path, zcd):
    root = _copy(CASES / "zendesk-schema-rules", tmp_path)
    expected = _validate(zcd, root)
    [entry] = _entries(root)
    good = entry.read_bytes()
    for broken in (b"", b"garbage", good[:-20], good.replace(b'"format":1', b'"format":"1"')):
        entry.write_bytes(broken)
        assert _validate(zcd, root) == expected
        assert entry.read_bytes() == good, "rewritten as it was"


def test_an_entry_signed_by_another_key_is_foreign(tmp_path, zcd, monkeypatch):
    """An entry committed to the repository or copied from another machine says whatever its
    author wanted: here that an invalid file is valid. It is not believed."""
    root = _copy(CASES / "zendesk-schema-rules", tmp_path)
    code, out, err = _validate(zcd, root)
    assert code == 1
    [entry] = _entries(root)
    signature, _, body = entry.read_bytes().partition(b"\n")
    forged = json.loads(body)
    forged["diagnostics"] = []
    forged_body = json.dumps(forged).encode()
    other = DocumentCache(root / FOLDER, b"k" * 32, "")  # another user's key
    entry.write_bytes(other._sign(forged_body) + b"\n" + forged_body)
    assert _validate(zcd, root) == (code, out, err)
    # the same body with the old signature (edited by hand) fares no better
    entry.write_bytes(signature + b"\n" + forged_body)
    assert _validate(zcd, root) == (code, out, err)
    # nor a cache folder made with another user's key
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert _debug(zcd, root).endswith("0 file(s) unchanged, 1 read and kept")


def test_entries_belong_to_the_code_that_wrote_them(tmp_path):
    """Another version, or an edited checkout, names its entries differently."""
    data = b"custom_objects: {}\n"
    ours = DocumentCache(tmp_path, b"k" * 32, "code one")
    theirs = DocumentCache(tmp_path, b"k" * 32, "code two")
    assert ours._name("document", data) != theirs._name("document", data)
    assert ours._name("document", data) != ours._name("config", data)
    assert ours._name("document", data) != ours._name("document", data + b"\n")


def test_a_cache_that_cannot_be_written_or_keyed_changes_nothing(tmp_path, zcd, monkeypatch):
    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    expected = _validate(zcd, root, "--no-cache")
    (root / ".zcd").write_text("not a folder", "utf-8")  # as in a read-only checkout
    assert _validate(zcd, root) == expected
    (root / ".zcd").unlink()
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "fleet.yaml"))  # no key can be made there
    (root / "fleet.yaml").write_text("# a file, not a folder\n", "utf-8")
    expected = _validate(zcd, root, "--no-cache")
    assert _validate(zcd, root) == expected
    assert not (root / ".zcd").exists()
    assert _debug(zcd, root) == (
        "debug: cache: off: no signing key could be read or made in the user's cache folder"
    )


def test_a_warm_run_loads_no_yaml_parser(tmp_path, zcd):
    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    zcd("validate", "--project", root)
    script = (
        "import sys\n"
        "from zcd_schema.project.validate import validate_project\n"
        f"result = validate_project({str(root)!r}, cache=True)\n"
        "assert result.valid and result.cached == (4, 0), result.cached\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'jsonschema')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_check_payloads_reads_the_project_through_the_cache(tmp_path, zcd):
    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    sample = tmp_path / "records.json"
    sample.write_text("[]", "utf-8")
    assert zcd("check-payloads", sample, "--project", root, "--no-cache").code == 0
    assert not (root / FOLDER).exists()
    assert zcd("check-payloads", sample, "--project", root).code == 0
    assert len(_entries(root)) == 4
    assert _debug(zcd, root).endswith("4 file(s) unchanged, 0 read and kept")


def test_the_oldest_entries_go_beyond_the_bound(tmp_path, zcd, monkeypatch):
    import os

    from zcd_schema.project import cache

    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    zcd("validate", "--project", root)
    for number, entry in enumerate(_entries(root)):  # the four, oldest first by name order
        os.utime(entry, ns=(number * 10**9, number * 10**9))
    kept = _entries(root)[1:]
    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    (root / "notes.yaml").write_text("custom_objects: {}\n", "utf-8")
    zcd("validate", "--project", root)
    remaining = _entries(root)
    assert len(remaining) == 4 and set(kept) <= set(remaining)


def test_links_fifos_and_devices_in_the_cache_are_never_followed(tmp_path, zcd):
    """A repository can commit .zcd/ with anything in it; validate must neither hang, nor read a
    device, nor write through a link."""
    import os

    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    expected = _validate(zcd, root, "--no-cache")
    zcd("validate", "--project", root)
    entries = _entries(root)
    os.unlink(entries[0])
    os.mkfifo(entries[0])  # reading it would block for ever
    entries[1].unlink()
    entries[1].symlink_to("/dev/zero")  # reading it would never end
    assert _validate(zcd, root) == expected
    assert entries[0].is_file() and not entries[0].is_symlink()  # rewritten as entries
    assert entries[1].is_file() and not entries[1].is_symlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(root / ".zcd")
    (root / ".zcd").symlink_to(elsewhere)
    assert _validate(zcd, root) == expected
    assert list(elsewhere.iterdir()) == [], "nothing written through the link"
    (root / ".zcd").unlink()
    (root / ".zcd").mkdir()
    (root / ".zcd" / "cache").symlink_to(elsewhere)
    assert _validate(zcd, root) == expected
    assert list(elsewhere.iterdir()) == []
    assert _debug(zcd, root) == (
        "debug: cache: off: .zcd/cache is a symbolic link, which is never followed"
    )


def test_a_gitignore_that_is_a_link_is_not_followed(tmp_path, zcd):
    root = _copy(ROOT / "examples" / "fleet", tmp_path)
    (root / ".zcd").mkdir()
    target = tmp_path / "outside.txt"
    (root / ".zcd" / ".gitignore").symlink_to(target)  # dangling
    zcd("validate", "--project", root)
    assert not target.exists() and len(_entries(root)) == 4
