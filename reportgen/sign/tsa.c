/*
 * tsa.c: RFC 3161 time-stamp tokens (placeholder).
 */
#include "sign/sign_internal.h"
