#ifndef SLUICE_CCRYPTO_SHIM_H
#define SLUICE_CCRYPTO_SHIM_H

/* Debian's libcrypto (OpenSSL 3, libssl-dev) for DKIM: reading and generating RSA and Ed25519
   keys, PKCS#1 v1.5 and Ed25519 signatures, SHA-256. The macros Swift cannot import are wrapped
   here; everything else is called directly. */

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* The NIDs Swift sees as macros of macros. */
static inline int sluice_pkey_rsa(void) { return EVP_PKEY_RSA; }
static inline int sluice_pkey_ed25519(void) { return EVP_PKEY_ED25519; }

/* BIO_get_mem_data is a macro over BIO_ctrl. */
static inline long sluice_bio_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

#endif
