/*
 * Test-only (never shipped): closes the gaps Wine 8 leaves for the real Windows codex.exe, as
 * ../shared/reference/windows-wine.md describes. Built by scripts/windows-tier.sh with mingw and
 * put beside codex.exe as bcryptprimitives.dll (WINEDLLOVERRIDES=bcryptprimitives=n,b):
 *  - it exports ProcessPrng, which Wine 8's bcryptprimitives lacks (codex.exe exits 53 without);
 *  - at load it patches codex.exe's import table: UnlockFile(Ex) report "not locked" where Wine
 *    says "lock violation" (Rust's File::unlock unlocks twice and accepts only the former), and
 *    FindPackagesByPackageFamily, missing in Wine, answers "no such package".
 */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n; len -= n;
  }
  return TRUE;
}
static BOOL (WINAPI *realUnlockFileEx)(HANDLE, DWORD, DWORD, DWORD, LPOVERLAPPED);
static BOOL (WINAPI *realUnlockFile)(HANDLE, DWORD, DWORD, DWORD, DWORD);
static BOOL WINAPI fixedUnlockFileEx(HANDLE h, DWORD r, DWORD lo, DWORD hi, LPOVERLAPPED o) {
  BOOL ok = realUnlockFileEx(h, r, lo, hi, o);
  if (!ok && GetLastError() == ERROR_LOCK_VIOLATION) SetLastError(ERROR_NOT_LOCKED);
  return ok;
}
static BOOL WINAPI fixedUnlockFile(HANDLE h, DWORD a, DWORD b, DWORD c, DWORD d) {
  BOOL ok = realUnlockFile(h, a, b, c, d);
  if (!ok && GetLastError() == ERROR_LOCK_VIOLATION) SetLastError(ERROR_NOT_LOCKED);
  return ok;
}
/* Wine 8 has no FindPackagesByPackageFamily (codex doctor asks whether the Codex app's package is
 * installed, and Wine aborts the process): answered as Windows does when no such package exists. */
static LONG WINAPI noPackages(PCWSTR family, UINT32 filters, UINT32 *count, PWSTR *names, UINT32 *length, WCHAR *buffer, UINT32 *properties) {
  (void)family; (void)filters; (void)names; (void)buffer; (void)properties;
  if (count) *count = 0;
  if (length) *length = 0;
  return ERROR_SUCCESS;
}
static void patch(HMODULE mod) {
  BYTE *base = (BYTE *)mod;
  IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
  IMAGE_DATA_DIRECTORY dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  if (!dir.VirtualAddress) return;
  for (IMAGE_IMPORT_DESCRIPTOR *d = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir.VirtualAddress); d->Name; d++) {
    IMAGE_THUNK_DATA *names = (IMAGE_THUNK_DATA *)(base + (d->OriginalFirstThunk ? d->OriginalFirstThunk : d->FirstThunk));
    IMAGE_THUNK_DATA *iat = (IMAGE_THUNK_DATA *)(base + d->FirstThunk);
    for (; names->u1.AddressOfData; names++, iat++) {
      if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
      const char *fn = (const char *)((IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData))->Name;
      void *to = NULL;
      if (!lstrcmpA(fn, "UnlockFileEx")) to = (void *)fixedUnlockFileEx;
      else if (!lstrcmpA(fn, "UnlockFile")) to = (void *)fixedUnlockFile;
      else if (!lstrcmpA(fn, "FindPackagesByPackageFamily")) to = (void *)noPackages;
      if (!to) continue;
      DWORD old;
      VirtualProtect(&iat->u1.Function, sizeof(void *), PAGE_READWRITE, &old);
      iat->u1.Function = (ULONG_PTR)to;
      VirtualProtect(&iat->u1.Function, sizeof(void *), old, &old);
    }
  }
}
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) {
  if (reason == DLL_PROCESS_ATTACH) {
    HMODULE k = GetModuleHandleA("kernel32.dll");
    realUnlockFileEx = (void *)GetProcAddress(k, "UnlockFileEx");
    realUnlockFile = (void *)GetProcAddress(k, "UnlockFile");
    patch(GetModuleHandleA(NULL));
  }
  return TRUE;
}
