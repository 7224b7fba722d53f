; 科协工作台 installer for Windows: a Chinese wizard, a per-user install that needs no
; administrator rights, start-menu and desktop shortcuts, and an uninstaller that leaves the
; clerk's data folder alone. Compiled by build_installer.py (and by the tests, on Linux):
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DPAYLOAD=dist\kexie-desktop
;            -DICON=kexie-desktop.ico -DOUTFILE=科协工作台-0.1.0-安装程序.exe kexie-desktop.nsi
;
; The clerk's data is in %LOCALAPPDATA%\KeXieDesktop (kexie_desktop/core/paths.py), never in the
; program folder, so replacing or removing the program files cannot touch it.

; The installer itself is 32-bit, the only kind the official NSIS release can make; it checks
; for 64-bit Windows 10 or later, which the program (Qt 6) needs. The Wine test, on a Wine with
; no 32-bit support, compiles the same script with -DTARGET=amd64-unicode.
!ifdef TARGET
  Target ${TARGET}
!else
  Unicode true
!endif
ManifestDPIAware true
SetCompressor /SOLID lzma

!macro Require NAME
  !ifndef ${NAME}
    !error "需要 -D${NAME}=…（见文件开头的说明）"
  !endif
!macroend
!insertmacro Require VERSION
!insertmacro Require VERSION4
!insertmacro Require PAYLOAD
!insertmacro Require ICON
!insertmacro Require OUTFILE

!define APP_NAME "科协工作台"
!define APP_KEY "KeXieDesktop"
!define PROGRAM "kexie-desktop.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define DATA_DIR "$LOCALAPPDATA\${APP_KEY}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"
!include "WinVer.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_KEY}"
InstallDirRegKey HKCU "Software\${APP_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${APP_NAME}开发组"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "安装${APP_NAME} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "本程序将把${APP_NAME}安装到您的电脑上，并在桌面和开始菜单放上快捷方式。$\r$\n$\r$\n不需要管理员权限。如果以前装过${APP_NAME}，这次安装会替换程序文件，您录入的数据会原样保留。$\r$\n$\r$\n点击“下一步”继续。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PROGRAM}"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开${APP_NAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从电脑上卸载${APP_NAME}的程序文件和快捷方式。$\r$\n您的数据（${DATA_DIR}）不会删除，重新安装后仍可使用。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; The program must not be running while its files are replaced. Windows lets a running .exe
; be renamed but not opened for writing, so a write-open tells us without a process plug-in.
; Both programs count: the window, and the command line (a backup, a self-test).
!macro WaitUntilClosed
  ${Do}
    StrCpy $1 ""
    ${ForEach} $2 1 2 + 1
      ${If} $2 == 1
        StrCpy $3 "$INSTDIR\${PROGRAM}"
      ${Else}
        StrCpy $3 "$INSTDIR\kexie-cli.exe"
      ${EndIf}
      ${If} ${FileExists} $3
        ClearErrors
        FileOpen $0 $3 a
        ${If} ${Errors}
          StrCpy $1 "running"
        ${Else}
          FileClose $0
        ${EndIf}
      ${EndIf}
    ${Next}
    ${If} $1 == ""
      ${Break}
    ${EndIf}
    ${If} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME}正在运行。请先关闭它（您的数据都已保存），再点“重试”。" /SD IDCANCEL IDCANCEL`
      Abort "${APP_NAME}正在运行，没有改动任何文件。"
    ${EndIf}
  ${Loop}
!macroend

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "${APP_NAME}需要 64 位的 Windows 10 或 Windows 11。这台电脑的系统版本太旧，无法安装。" /SD IDOK
    Abort
  ${EndIf}
  ; A 32-bit installer would otherwise see the 32-bit registry view.
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Function .onVerifyInstDir
  ; Never install into the data folder: uninstalling would then be next to the clerk's data.
  ${If} "$INSTDIR" == "${DATA_DIR}"
    Abort
  ${EndIf}
FunctionEnd

Section "${APP_NAME}" SecProgram
  SectionIn RO
  SetShellVarContext current
  !insertmacro WaitUntilClosed
  ; An upgrade replaces the program files whole, so no file of the old version lingers.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*"
  WriteUninstaller "$INSTDIR\卸载${APP_NAME}.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${PROGRAM}" "" "$INSTDIR\${PROGRAM}" 0
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\卸载${APP_NAME}.lnk" "$INSTDIR\卸载${APP_NAME}.exe"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${PROGRAM}" "" "$INSTDIR\${PROGRAM}" 0

  WriteRegStr HKCU "Software\${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "Software\${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${PROGRAM}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_NAME}开发组"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\卸载${APP_NAME}.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\卸载${APP_NAME}.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro WaitUntilClosed
  ; Only what the installer put there, by name: never a recursive delete of $INSTDIR, in case
  ; a clerk chose a folder that holds other files.
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}\卸载${APP_NAME}.lnk"
  RMDir "$SMPROGRAMS\${APP_NAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${PROGRAM}"
  Delete "$INSTDIR\kexie-cli.exe"
  Delete "$INSTDIR\卸载${APP_NAME}.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP_KEY}"
SectionEnd
