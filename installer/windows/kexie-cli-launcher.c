/*
 * kexie-cli.exe: the command line of 科协工作台 on Windows, as a small console program that runs
 * kexie-desktop.exe (beside it) with the same arguments, passes on what it prints, and returns
 * its exit code.
 *
 * Why not a second PyInstaller program: each PyInstaller .exe carries its own copy of all the
 * program's Python modules (about 4 MB), and kexie-desktop.exe cannot itself be the command line:
 * it is a window program (no black console behind the window), and Windows gives such a program
 * no console. So it prints into pipes (UTF-8: the program runs in Python's UTF-8 mode), and this
 * launcher writes that on: as Unicode text to a console, whatever its code page (936 on a
 * Chinese Windows), or byte for byte into a file or pipe.
 *
 * The program runs in a job object that ends with this launcher, so closing the console or
 * Ctrl+C ends both, as with any console program.
 *
 * Compiled by installer/windows_build.py with mingw-w64:
 *   x86_64-w64-mingw32-gcc -municode -O2 -s -o kexie-cli.exe kexie-cli-launcher.c resources.o
 */
#include <string.h>
#include <wchar.h>
#include <windows.h>

static const wchar_t PROGRAM[] = L"kexie-desktop.exe";

static int fail(const wchar_t *what) {
    DWORD error = GetLastError();
    wchar_t message[512];
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    int n = _snwprintf(message, 511, L"科协工作台：无法启动 %ls（%ls，错误 %lu）。请重新安装。\r\n",
                       PROGRAM, what, (unsigned long)error);
    if (n < 0) n = 511;
    message[n] = 0;
    DWORD written;
    if (!WriteConsoleW(err, message, (DWORD)n, &written, NULL)) {
        char utf8[1536];
        int bytes = WideCharToMultiByte(CP_UTF8, 0, message, n, utf8, sizeof utf8, NULL, NULL);
        WriteFile(err, utf8, (DWORD)bytes, &written, NULL);
    }
    return 1;
}

/* The arguments after the program name in this process's command line, untouched. */
static const wchar_t *arguments(const wchar_t *line) {
    int quoted = 0;
    for (; *line; line++) {
        if (*line == L'"') quoted = !quoted;
        else if ((*line == L' ' || *line == L'\t') && !quoted) break;
    }
    while (*line == L' ' || *line == L'\t') line++;
    return line;
}

struct relay {
    HANDLE from, to;
};

/* Copies one pipe to one output until the program closes it. */
static DWORD WINAPI pass_on(LPVOID argument) {
    struct relay *relay = argument;
    DWORD mode;
    int console = GetConsoleMode(relay->to, &mode);
    char buffer[8192 + 4];
    DWORD kept = 0, got, written;
    wchar_t text[8192 + 4];
    while (ReadFile(relay->from, buffer + kept, 8192, &got, NULL) && got > 0) {
        DWORD total = kept + got;
        if (!console) {
            WriteFile(relay->to, buffer, total, &written, NULL);
            kept = 0;
            continue;
        }
        /* Hold back a UTF-8 sequence cut off at the end of this read. */
        DWORD whole = total, back = 0;
        while (back < 3 && back < total && (buffer[total - 1 - back] & 0xC0) == 0x80) back++;
        if (back < total) {
            unsigned char lead = (unsigned char)buffer[total - 1 - back];
            int need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
            if (need > (int)back) whole = total - 1 - back;
        }
        int n = MultiByteToWideChar(CP_UTF8, 0, buffer, (int)whole, text, 8192 + 4);
        if (n > 0) WriteConsoleW(relay->to, text, (DWORD)n, &written, NULL);
        kept = total - whole;
        memmove(buffer, buffer + whole, kept);
    }
    CloseHandle(relay->from);
    return 0;
}

int wmain(void) {
    wchar_t path[32768];
    DWORD length = GetModuleFileNameW(NULL, path, 32768);
    if (length == 0 || length >= 32768) return fail(L"找不到自身位置");
    wchar_t *slash = wcsrchr(path, L'\\');
    if (slash == NULL || (size_t)(slash + 1 - path) + wcslen(PROGRAM) >= 32768) return fail(L"路径太长");
    wcscpy(slash + 1, PROGRAM);

    const wchar_t *rest = arguments(GetCommandLineW());
    size_t size = wcslen(path) + wcslen(rest) + 4;
    wchar_t *command = HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
    if (command == NULL) return fail(L"内存不足");
    _snwprintf(command, size, L"\"%ls\" %ls", path, rest);
    command[size - 1] = 0;

    /* The program's output and errors into two pipes whose writing ends it inherits. */
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    HANDLE out_read, out_write, err_read, err_write;
    if (!CreatePipe(&out_read, &out_write, &inherit, 0) || !CreatePipe(&err_read, &err_write, &inherit, 0))
        return fail(L"CreatePipe");
    SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(err_read, HANDLE_FLAG_INHERIT, 0);
    HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
    SetHandleInformation(input, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);

    STARTUPINFOW startup;
    ZeroMemory(&startup, sizeof startup);
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = input;
    startup.hStdOutput = out_write;
    startup.hStdError = err_write;

    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job != NULL) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
        ZeroMemory(&limits, sizeof limits);
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }

    PROCESS_INFORMATION process;
    if (!CreateProcessW(path, command, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &startup,
                        &process))
        return fail(L"CreateProcess");
    if (job != NULL) AssignProcessToJobObject(job, process.hProcess);
    /* Only the program holds the writing ends now: the pipes end when it does. */
    CloseHandle(out_write);
    CloseHandle(err_write);
    struct relay out = {out_read, GetStdHandle(STD_OUTPUT_HANDLE)};
    struct relay err = {err_read, GetStdHandle(STD_ERROR_HANDLE)};
    HANDLE threads[2] = {CreateThread(NULL, 0, pass_on, &out, 0, NULL),
                         CreateThread(NULL, 0, pass_on, &err, 0, NULL)};
    ResumeThread(process.hThread);
    CloseHandle(process.hThread);
    WaitForSingleObject(process.hProcess, INFINITE);
    WaitForMultipleObjects(2, threads, TRUE, 10000);
    DWORD code = 1;
    GetExitCodeProcess(process.hProcess, &code);
    CloseHandle(process.hProcess);
    return (int)code;
}
