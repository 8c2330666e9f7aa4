; Signpost London for Windows: the NSIS installer (built by .ci/windows-package with
; Debian's makensis; Tauri's own NSIS bundler downloads plugins at build time, so it is not
; used).
;
;   signpost-london-setup.exe              per-user, no administrator rights needed:
;                                          %LOCALAPPDATA%\Programs\Signpost London
;   signpost-london-setup.exe /ALLUSERS    per-machine, for IT (run elevated, as Intune and
;                                          Configuration Manager do): %ProgramFiles%\Signpost London
;   /S                                     silent;  /D=C:\path  another folder (last, unquoted)
;
; The uninstaller keeps the user's shortlist and settings (the data folder under
; %LOCALAPPDATA%\Signpost London) unless asked: /PURGE, or "Yes" when it asks.
;
; makensis -DVERSION=0.1.0 -DSTAGE=<folder with the files> -DOUT=<installer path> installer.nsi

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include LogicLib.nsh
!include FileFunc.nsh

!ifndef VERSION
  !error "VERSION is not set (-DVERSION=...)"
!endif
!ifndef STAGE
  !error "STAGE is not set (-DSTAGE=folder holding the files to install)"
!endif
!ifndef OUT
  !define OUT "signpost-london-${VERSION}-setup.exe"
!endif

!define PRODUCT "Signpost London"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SignpostLondon"
; Where the app keeps the directory, shortlist and settings (directories::ProjectDirs).
!define DATA_DIR "$LOCALAPPDATA\Signpost London"

Name "${PRODUCT}"
OutFile "${OUT}"
Icon "${STAGE}\signpost.ico"
UninstallIcon "${STAGE}\signpost.ico"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "LegalCopyright" "Signpost London contributors"

Var AllUsers

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

; "/ALLUSERS" anywhere on the command line (any case) means a per-machine install.
!macro ReadInstallMode
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
!macroend

Function .onInit
  SetRegView 64
  !insertmacro ReadInstallMode
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R2
    ${If} $R2 != "admin"
      MessageBox MB_ICONSTOP "Installing for every user of this computer (/ALLUSERS) needs administrator rights. Run the installer without /ALLUSERS to install for yourself only." /SD IDOK
      SetErrorLevel 5
      Quit
    ${EndIf}
    SetShellVarContext all
    ${If} $INSTDIR == ""
      StrCpy $INSTDIR "$PROGRAMFILES64\${PRODUCT}"
    ${EndIf}
  ${Else}
    SetShellVarContext current
    ${If} $INSTDIR == ""
      StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${PRODUCT}"
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "Signpost London" Main
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A running copy would keep its files locked.
  File "${STAGE}\signpost-app.exe"
  File "${STAGE}\signpost.exe"
  File "${STAGE}\WebView2Loader.dll"
  File "${STAGE}\signpost.ico"
  File "${STAGE}\README.txt"
  SetOutPath "$INSTDIR\model"
  File "${STAGE}\model\model.json"
  File "${STAGE}\model\tokenizer.json"
  File "${STAGE}\model\vectors.bin"
  SetOutPath "$INSTDIR"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\signpost-app.exe" "" "$INSTDIR\signpost.ico" 0 SW_SHOWNORMAL "" "Where to refer a victim of crime in London, offline"

  ; Apps & features: HKLM for a per-machine install, HKCU for a per-user one.
  ${If} $AllUsers == 1
    StrCpy $R3 '"$INSTDIR\uninstall.exe" /ALLUSERS'
  ${Else}
    StrCpy $R3 '"$INSTDIR\uninstall.exe"'
  ${EndIf}
  ${GetSize} "$INSTDIR" "/S=0K" $R4 $R5 $R6
  IntFmt $R4 "0x%08X" $R4
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "Signpost London"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\signpost.ico"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" "$R3"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" "$R3 /S"
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" "$R4"
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetRegView 64
  !insertmacro ReadInstallMode
  ${If} $AllUsers == 1
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$INSTDIR\signpost-app.exe"
  Delete "$INSTDIR\signpost.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\signpost.ico"
  Delete "$INSTDIR\README.txt"
  RMDir /r "$INSTDIR\model"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"

  ; The user's own data (shortlist, settings, the directory) stays unless asked.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    Goto purge
  ${EndIf}
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "Also remove your shortlist, settings and downloaded directory from this computer?" /SD IDNO IDYES purge
  Goto done
  purge:
    SetShellVarContext current
    RMDir /r "${DATA_DIR}"
  done:
SectionEnd
