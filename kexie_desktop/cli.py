"""Command line: the GUI by default, plus subcommands over the same headless core.

The GUI is imported only when it is wanted, so the subcommands work without a display. What
may be typed (the parser, its Chinese help and error messages) is declared in cli_parser.py;
this module runs the commands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kexie_desktop.cli_parser import PROFILE_OPTIONS, build_parser
from kexie_desktop.core.instance_lock import AlreadyRunning, InstanceLock
from kexie_desktop.core.paths import resolve_data_dir
from kexie_desktop.core.store import Store, StoreError

__all__ = ["build_parser", "main"]

_PROFILE_LABELS = {
    "org_name": "组织名称",
    "org_level": "层级",
    "org_place": "所在地",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "parent_name": "上级组织",
    "parent_uuid": "上级组织识别码",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from kexie_desktop import selftest

        return selftest.run()
    data_dir = resolve_data_dir(args.data_dir)
    if args.command is None:
        from kexie_desktop.ui.app import run_gui

        return run_gui(data_dir)
    try:
        return _run_command(args, data_dir)
    finally:
        _release_locks()


def _run_command(args: argparse.Namespace, data_dir: Path) -> int:
    if args.command == "demo":
        return _run_demo(data_dir)
    if args.command == "export":
        return _run_export(args, data_dir)
    if args.command == "import" and len(args.file) > 1 and args.file[0] == Path("package"):
        return _run_import_packages(args, data_dir)
    if args.command == "import":
        if len(args.file) > 1:
            print("错误：一次只能导入一个 Excel/CSV 文件（报送包请用 import package）。",
                  file=sys.stderr)  # fmt: skip
            return 2
        args.file = args.file[0]
        return _run_import(args, data_dir)
    if args.command == "submissions":
        return _run_submissions(args, data_dir)
    if args.command == "profile":
        return _run_profile(args, data_dir)
    if args.command == "attach":
        return _run_attach(args, data_dir)
    if args.command == "detach":
        return _run_detach(args, data_dir)
    assert args.command in ("backup", "restore"), args.command
    return _run_backup(args, data_dir)


_held_locks: list[InstanceLock] = []


def _open_store(data_dir: Path, *, writes: bool, existing: bool = False) -> Store:
    """The store for one command. With existing, a folder without a database is refused
    (StoreError) before anything is made there: backing up, exporting or attaching to nothing
    is a wrong folder, not a new one. One that writes is refused while the window (or another
    writing command) has the folder, and then holds the folder itself until main() ends.
    A damaged database is neither opened nor touched: the window is where it is dealt with.
    One that only reads opens the database read-only: it changes nothing, and works on a
    write-protected folder."""
    from kexie_desktop.core.health import DamagedDatabase, check_database, remove_leftovers

    if existing and not data_dir.joinpath("kexie.db").exists():
        raise StoreError(f"数据文件夹 {data_dir} 中没有数据库（kexie.db）。")
    if writes:
        lock = InstanceLock(data_dir)
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            raise AlreadyRunning(
                f"科协工作台正在使用数据文件夹 {data_dir}，这个命令会改动数据，不能同时运行。"
                "请先关闭程序窗口再试。"
            ) from exc
        _held_locks.append(lock)
        if lock.warning:
            print(f"提示：{lock.warning}", file=sys.stderr)
        remove_leftovers(data_dir)
    try:
        check_database(data_dir)
    except DamagedDatabase as exc:
        raise DamagedDatabase(
            f"{exc}没有作任何改动。请打开程序窗口：它会把损坏的文件另存起来，并可以从最近的备份恢复。"
        ) from exc
    return Store.open(data_dir, read_only=not writes)


def _release_locks() -> None:
    while _held_locks:
        _held_locks.pop().release()


def _run_backup(args: argparse.Namespace, data_dir: Path) -> int:
    from kexie_desktop.core import attachments
    from kexie_desktop.core.backup import BackupError, copy_database
    from kexie_desktop.core.safe_write import explain_os_error

    try:
        with _open_store(data_dir, writes=args.command == "restore", existing=True) as store:
            if args.command == "backup":
                info = copy_database(store.conn, args.out)
                print(f"已备份到：{info.path}（已检查完整）")
                print(info.describe())
                try:
                    files = attachments.backup_files(store, args.out)
                except OSError as exc:
                    why = explain_os_error(exc, args.out)
                    raise BackupError(f"附件文件没有备份完：{why}") from exc
                print(f"{files.describe()}（在备份旁的 attachments 文件夹中，请一并保存）")
                if files.problems:
                    return 1
            else:
                files = attachments.files_for_restore(args.file, data_dir)
                safety, described = store.restore(args.file)
                print(f"已恢复：{described}")
                print(f"恢复前的数据已另存为：{safety}（如需可用它再恢复回来）")
                if files.problems:
                    print(f"注意：备份中有{len(files.problems)}个附件文件找不到或已损坏"
                          "（备份旁应有 attachments 文件夹），这些附件会显示为缺失。",
                          file=sys.stderr)  # fmt: skip
                    return 1
    except (StoreError, BackupError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


def _run_import(args: argparse.Namespace, data_dir: Path) -> int:
    """Exit 0: all imported (or a clean check); 1: rows with problems or a column with data
    left unmapped (unless --ignore-unmapped); 2: file unreadable."""
    from kexie_desktop.core.importing.importer import ImportFailed, apply, check

    try:
        store = _open_store(data_dir, writes=not args.dry_run)
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    with store:
        try:
            plan = check(store, args.file, kind=args.kind)
        except ImportFailed as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        print(plan.report())
        if not any(sheet.layout for sheet in plan.sheets):
            print("错误：文件中没有认出任何可以导入的表格，没有导入。", file=sys.stderr)
            return 1
        problems = plan.problems
        unmapped = [] if args.ignore_unmapped else plan.unmapped_with_data
        if unmapped:
            # A clerk's own workbook lost its 攻关项目 figures this way: a column with data is
            # never dropped without being told.
            print(
                f"错误：{'、'.join(unmapped)}有数据，但没有认出是哪一项，这些数据不会导入。"
                "请把列名改成导入模板中的名称，或在导入窗口中指定；确认不需要时加 "
                "--ignore-unmapped。" + ("" if args.dry_run else "没有导入任何数据。"),
                file=sys.stderr,
            )
            return 1
        if args.dry_run:
            print("（只检查，没有写入）")
            return 1 if problems else 0
        if problems and not args.skip_invalid:
            print(
                f"错误：有{len(problems)}处问题，没有导入任何数据。改正后重新导入，"
                "或加 --skip-invalid 只导入没有问题的行。",
                file=sys.stderr,
            )
            return 1
        try:
            result = apply(store, plan, skip_invalid=args.skip_invalid)
        except ImportFailed as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        print(result.summary())
        return 1 if problems else 0


def _run_export(args: argparse.Namespace, data_dir: Path) -> int:
    from kexie_desktop.core import export, summary
    from kexie_desktop.core.export import ExportResult
    from kexie_desktop.core.package import PackageError, PackageResult
    from kexie_desktop.core.safe_write import ExportError

    result: ExportResult | PackageResult
    try:
        stores = args.what == "stats" and bool(args.set or args.explain or args.period)
        store = _open_store(data_dir, writes=stores, existing=True)
        if args.what == "package" and store.path is None:
            # A database of an older version, read through an upgraded copy in memory: the
            # organisation's UUID made there would differ at every export. Upgrade it for real.
            store.close()
            store = _open_store(data_dir, writes=True, existing=True)
        with store:
            if args.what == "package":
                from kexie_desktop.core.package import export_package

                result = export_package(
                    store,
                    args.year,
                    args.out,
                    full_ids=args.full_ids,
                    with_subordinates=not args.own_only,
                    with_attachments=args.with_attachments,
                )
            elif args.what == "summary":
                result = export.export_summary(
                    store,
                    args.year,
                    args.out,
                    signed=args.date,
                    with_subordinates=args.with_subordinates,
                )
                for part in summary.missing_narratives(store, args.year):
                    print(f"提示：{args.year}年的“{part}”尚未填写，总结中的这一部分是程序根据"
                          "记录起草的草稿，请审阅修改。", file=sys.stderr)  # fmt: skip
                if undated := store.figures.undated_awards():
                    print(f"提示：有{undated}个奖项没有获奖日期，未计入任何年度。", file=sys.stderr)
            elif args.what == "evidence":
                from kexie_desktop.core.evidence_export import export_evidence

                evidence = export_evidence(store, args.year, args.out)
                print(evidence.summary())
                for line in evidence.warnings():
                    print(f"注意：{line}", file=sys.stderr)
                # Written, but a photo of it is missing: a script must notice.
                return 1 if evidence.problems else 0
            elif args.what == "stats":
                result = _export_stats(store, args)
            else:
                result = export.export_ledger(
                    store,
                    args.year,
                    args.out,
                    full_ids=args.full_ids,
                    with_subordinates=args.with_subordinates,
                )
    except (StoreError, summary.SummaryError, ExportError, PackageError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def _run_attach(args: argparse.Namespace, data_dir: Path) -> int:
    """Exit 0: every file attached; 1: some or all refused (the others are attached)."""
    from kexie_desktop.core import attachments

    table, owner_id = (
        ("activities", args.activity) if args.activity is not None else ("awards", args.award)
    )
    try:
        with _open_store(data_dir, writes=True, existing=True) as store:
            result = attachments.attach_files(
                store, table, owner_id, args.files,
                kind=args.attachment_kind, caption=args.caption,
            )  # fmt: skip
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    for added in result.added:
        print(f"已添加：{added.original_name}（{added.kind}，附件编号{added.id}）")
    if result.added:
        ids = " ".join(str(a.id) for a in result.added)
        print(f"如需撤销：kexie-desktop detach {ids}（附件放入回收站，可在程序的“回收站”中恢复）")
    for _name, why in result.refused:
        print(f"错误：{why}", file=sys.stderr)
    return 1 if result.refused else 0


def _run_detach(args: argparse.Namespace, data_dir: Path) -> int:
    """The way back from `attach`: the attachments go to the 回收站 (audited), files kept."""
    from kexie_desktop.core import attachments

    try:
        with _open_store(data_dir, writes=True, existing=True) as store:
            found, missing = [], []
            for attachment_id in args.attachment_ids:
                try:
                    found.append(attachments.get_attachment(store, attachment_id))
                except attachments.AttachmentError:
                    missing.append(attachment_id)
            attachments.remove_attachments(store, [a.id for a in found])
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    for a in found:
        print(f"已移入回收站：附件编号{a.id}“{a.label}”")
    if found:
        print("需要时可在程序的“回收站”中恢复。")
    for attachment_id in missing:
        print(f"错误：没有编号为{attachment_id}的附件（可能已被移除）。", file=sys.stderr)
    return 1 if missing else 0


def _pairs(items: list[str], option: str) -> dict[str, str]:
    from kexie_desktop.core.stats import BY_KEY

    pairs = {}
    for item in items:
        key, mark, value = item.partition("=")
        key = key.strip()
        if not mark or key not in BY_KEY:
            raise ValueError(
                f"{option} {item}：应写成“指标=值”，指标为统计表中的代号，如 AK.staff"
                f"（可用的代号见导出失败时的提示或 README）"
            )
        pairs[key] = value.strip()
    return pairs


def _export_stats(store: Store, args: argparse.Namespace) -> Any:
    from kexie_desktop.core import export, stats

    typed = _pairs(args.set, "--set")
    explanations = _pairs(args.explain, "--explain")
    bad = [key for key in typed if stats.BY_KEY[key].source is not None]
    if bad:
        raise ValueError(
            "、".join(f"{k}（{stats.BY_KEY[k].name}）" for k in bad)
            + "由程序从记录计算，不能填写；请修改相应的记录"
        )
    checked: dict[str, int | None] = {}
    for key, text in typed.items():
        value = stats.parse_typed(text)
        if isinstance(value, str) and value:
            raise ValueError(f"--set {key}：{value}")
        checked[key] = value if isinstance(value, int) else None
    if args.period:
        store.settings.set(stats.PERIOD_KEY, args.period)
    if checked:
        store.typed_stats.save_values(args.year, checked)
    if explanations:
        store.typed_stats.save_explanations(args.year, explanations)
    if args.with_subordinates:
        from kexie_desktop.core.package import subordinates_included

        with subordinates_included(store, args.year):
            return export.export_stats(store, args.year, args.out)
    return export.export_stats(store, args.year, args.out)


def _run_demo(data_dir: Path) -> int:
    from kexie_desktop.core.demo import load_demo

    try:
        with _open_store(data_dir, writes=True) as store:
            result = load_demo(store)
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(result.summary())
    print(f"数据库：{data_dir / 'kexie.db'}")
    return 0


def _run_profile(args: argparse.Namespace, data_dir: Path) -> int:
    """Without options: print the profile. With any: change those fields, keep the rest."""
    from kexie_desktop.core.validation import ValidationError

    changes = {dest: getattr(args, dest) for _, dest, _ in PROFILE_OPTIONS}
    changes = {k: v for k, v in changes.items() if v is not None}
    try:
        with _open_store(data_dir, writes=bool(changes)) as store:
            profile = store.settings.profile()
            if changes:
                for name, value in changes.items():
                    setattr(profile, name, value)
                store.settings.save_profile(profile)
                profile = store.settings.profile()
                print("已保存本组织信息：")
            for name, label in _PROFILE_LABELS.items():
                print(f"{label}：{getattr(profile, name) or '（未填写）'}")
            # Read-only stores cannot make it; a database opened before 0008 always has it.
            # A database read through an upgraded copy in memory has no lasting UUID yet.
            uuid = store.settings.get("org_uuid") if store.path is not None else None
            print(f"本组织识别码：{uuid or '（程序下次打开时生成）'}")
    except ValidationError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


def _run_import_packages(args: argparse.Namespace, data_dir: Path) -> int:
    """Each package is checked in full before anything is merged; exit 1 if any was refused."""
    from kexie_desktop.core.package import (
        PackageError,
        addressed_elsewhere,
        merge_package,
        read_package,
    )

    files = args.file[1:]
    try:
        store = _open_store(data_dir, writes=not args.dry_run)
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    failed = 0
    with store:
        for path in files:
            try:
                package = read_package(path)
                print(package.describe())
                if warning := addressed_elsewhere(store, package):
                    print(warning)
                if args.dry_run:
                    print("（只检查，没有写入）")
                    continue
                print(merge_package(store, package).summary())
            except (PackageError, StoreError) as exc:
                failed += 1
                print(f"错误：{exc}", file=sys.stderr)
            print()
    return 1 if failed else 0


def _run_submissions(args: argparse.Namespace, data_dir: Path) -> int:
    from kexie_desktop.core.package import KIND_LABELS, KINDS, local_time, submission_status

    try:
        with _open_store(data_dir, writes=False, existing=True) as store:
            status = submission_status(store, args.year)
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"{args.year}年已报送：{len(status.submitted)}个组织")
    for item in status.submitted:
        counts = "、".join(f"{KIND_LABELS[k]}{item.counts.get(k, 0)}" for k in KINDS)
        via = f"，经{item.via}转报" if item.via else ""
        print(f"  {item.name}：导出于{local_time(item.exported_at)}{via}；{counts}")
    print(f"尚未报送：{len(status.missing)}个")
    for unit in status.missing:
        print(f"  {unit['name']}（{unit['kind']}）")
    return 0
