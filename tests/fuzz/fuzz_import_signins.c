/*
 * fuzz_import_signins.c: libFuzzer target for `reportgen import signins`
 * (import/import.h): Graph JSON, JSON Lines, the Log Analytics and Entra
 * CSV exports, detected by content.  Properties: fuzz_import_common.h.
 */
#include "fuzz_import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(RG_IMPORT_SIGNINS, data, size);
	return 0;
}
