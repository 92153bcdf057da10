// CRC-32C (Castagnoli) with the processor's own instruction: SSE4.2's crc32 on x86-64.
// SluiceSpool's CRC32C uses it when `sluice_crc32c_hardware()` says the processor has it, and
// its slice-by-8 tables otherwise (other processors, or x86-64 without SSE4.2).
#ifndef SLUICE_CRC32C_H
#define SLUICE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// 1 when `sluice_crc32c_update` may be called on this processor, 0 otherwise.
int sluice_crc32c_hardware(void);

/// Continues the CRC-32C `crc` (0 to start, the checksum so far otherwise) over `length` bytes.
/// Call only when `sluice_crc32c_hardware()` is 1.
uint32_t sluice_crc32c_update(uint32_t crc, const void *bytes, size_t length);

#endif
