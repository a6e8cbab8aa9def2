"""Archives judged by their directories (core.archives): bombs, member counts, nesting, encryption and lying headers
are refused without inflating the archive; ordinary archives pass."""

import gzip
import io
import os
import zipfile

import pytest

from core.archives import ArchiveDamaged, ArchiveLimits, ArchiveRefused, inflate, rar_check, zip_check
from core.tests.samples import GIB, MIB, docx_of, encrypted, rar4, zip_bomb, zip_of

LIMITS = ArchiveLimits(total_bytes=512 * MIB, ratio=100, members=1000, nested_bytes=32 * MIB)


def refusal(check, content: bytes, limits: ArchiveLimits = LIMITS) -> str:
    with pytest.raises(ArchiveRefused) as refused:
        check(io.BytesIO(content), limits)
    return refused.value.code


def test_a_1_gib_zip_bomb_of_1_mb_is_refused_by_its_declared_size():
    bomb = zip_bomb()
    assert len(bomb) < 2 * MIB  # 1 GiB of zeros, deflated

    assert refusal(zip_check, bomb) == "archive_too_large"


def test_a_bomb_within_the_limits_is_checked_by_a_peek_at_its_member_not_by_inflating_it(monkeypatch):
    """With limits that let the 1 GiB bomb through, the check still reads only the member's first bytes."""
    reads: list[int] = []
    original = zipfile.ZipExtFile.read

    def read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        reads.append(n)
        return original(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    lenient = ArchiveLimits(total_bytes=2 * GIB, ratio=10_000, members=1000, nested_bytes=32 * MIB)

    assert zip_check(io.BytesIO(zip_bomb()), lenient) == GIB
    assert reads == [10]  # one peek at the first bytes, to see whether it is an archive


def test_a_member_compressed_more_than_the_ratio_is_refused():
    four_mib_of_zeros = zip_of({"zeros.bin": bytes(4 * MIB)})  # deflate: about 4 KiB, a ratio near 1000

    assert refusal(zip_check, four_mib_of_zeros) == "archive_ratio"


def test_a_small_member_is_not_judged_by_its_ratio():
    blank_form = zip_of({"form.txt": b" " * 500_000})  # ratio near 1000, but 0.5 MB

    assert zip_check(io.BytesIO(blank_form), LIMITS) == 500_000


def test_more_members_than_the_limit_are_refused_and_the_limit_itself_passes():
    at_limit = zip_of({f"{i}.txt": b"x" for i in range(1000)})
    over = zip_of({f"{i}.txt": b"x" for i in range(1001)})

    assert zip_check(io.BytesIO(at_limit), LIMITS) == 1000
    assert refusal(zip_check, over) == "archive_too_many_files"


def test_a_zip_inside_a_zip_is_checked_and_counts_towards_the_total():
    inner = zip_of({"scan.txt": b"a" * 1000})
    contracts = zip_of({"contract.docx": docx_of(), "scans.zip": inner})

    inside_docx = len(b"<Types/>") + len(b"<w:document/>")
    assert zip_check(io.BytesIO(contracts), LIMITS) == len(docx_of()) + inside_docx + len(inner) + 1000


def test_a_bomb_inside_a_zip_is_refused():
    assert refusal(zip_check, zip_of({"innocent.zip": zip_bomb()}, zipfile.ZIP_STORED)) == "archive_too_large"


def test_an_archive_two_levels_deep_is_refused():
    two_levels = zip_of({"level1.zip": zip_of({"level2.zip": zip_of({"a.txt": b"a"})})})

    assert refusal(zip_check, two_levels) == "archive_nested"


def test_an_archive_of_a_kind_that_cannot_be_checked_inside_a_zip_is_refused():
    assert refusal(zip_check, zip_of({"data.gz": gzip.compress(b"x" * 1000)})) == "archive_nested"
    assert refusal(zip_check, zip_of({"named.txt": rar4("a.txt", b"a")})) == "archive_nested"  # by content


def test_zips_inside_beyond_the_nested_budget_are_refused():
    inner = zip_of({"noise.bin": os.urandom(MIB)}, zipfile.ZIP_STORED)  # 1 MiB that does not compress
    limits = ArchiveLimits(total_bytes=512 * MIB, ratio=100, members=1000, nested_bytes=len(inner) * 2)

    assert zip_check(io.BytesIO(zip_of({"a.zip": inner, "b.zip": inner})), limits) > 0
    assert refusal(zip_check, zip_of({"a.zip": inner, "b.zip": inner, "c.zip": inner}), limits) == "archive_nested"


def test_an_encrypted_member_is_refused():
    assert refusal(zip_check, encrypted(zip_of({"secret.txt": b"hidden"}))) == "archive_encrypted"


def test_a_local_header_that_disagrees_with_the_central_directory_is_damage():
    archive = bytearray(zip_of({"a.txt": b"hello"}, zipfile.ZIP_STORED))
    archive[30:35] = b"b.txt"  # the name in the local header (after its 30 fixed bytes)

    with pytest.raises(ArchiveDamaged):
        zip_check(io.BytesIO(bytes(archive)), LIMITS)


def test_a_local_header_that_declares_another_size_is_damage():
    archive = bytearray(zip_of({"a.txt": b"hello"}, zipfile.ZIP_STORED))
    archive[22:26] = (1 * GIB).to_bytes(4, "little")  # the local header's uncompressed size

    with pytest.raises(ArchiveDamaged):
        zip_check(io.BytesIO(bytes(archive)), LIMITS)


def test_a_truncated_zip_is_damage():
    with pytest.raises(ArchiveDamaged):
        zip_check(io.BytesIO(zip_of({"a.txt": b"hello"})[:-10]), LIMITS)


def test_inflate_stops_when_a_member_gives_more_than_it_declares():
    target = io.BytesIO()

    with pytest.raises(ArchiveRefused) as refused:
        inflate(io.BytesIO(bytes(200 * 1024)), target, declared=100 * 1024)

    assert refused.value.code == "archive_too_large"
    assert target.tell() <= 100 * 1024


def test_a_rar_is_read_from_its_headers():
    assert rar_check(io.BytesIO(rar4("scan.txt", b"hello")), LIMITS) == 5


@pytest.mark.parametrize(
    ("rar", "code"),
    [
        pytest.param(rar4("zeros.bin", b"x" * 20_000, declared_size=GIB, method=0x33), "archive_too_large", id="1gib"),
        pytest.param(rar4("zeros.bin", b"x" * 20_000, declared_size=4 * MIB, method=0x33), "archive_ratio", id="ratio"),
        pytest.param(rar4("inner.zip", b"PK\x05\x06" + bytes(18)), "archive_nested", id="nested-by-name"),
    ],
)
def test_a_rar_over_the_limits_is_refused_by_its_declared_sizes(rar, code):
    assert refusal(rar_check, rar) == code
