/* bcryptprimitives.dll for Wine 8, which lacks it: Rust's standard library on Windows gets
 * its random numbers from ProcessPrng there (as Windows 10 and 11 provide it). This gives
 * the same from RtlGenRandom (advapi32's SystemFunction036), which Wine has. Used only to
 * run tests under Wine; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
