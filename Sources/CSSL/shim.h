#ifndef SLUICE_CSSL_SHIM_H
#define SLUICE_CSSL_SHIM_H

/* Debian's libssl (OpenSSL 3, libssl-dev) for STARTTLS: contexts, sessions over memory BIOs,
   certificates and keys read from PEM. The macros Swift cannot import are wrapped here;
   everything else is called directly. */

#include <string.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* SSL_set_tlsext_host_name is a macro over SSL_ctrl. */
static inline long sluice_ssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

/* SSL_CTX_set_mode is a macro over SSL_CTX_ctrl. Buffers are released while a connection is
   idle, and a write may be retried from a different buffer. */
static inline long sluice_ssl_ctx_set_modes(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/* SSL_CTX_add1_chain_cert is a macro over SSL_CTX_ctrl. */
static inline long sluice_ssl_ctx_add_chain_certificate(SSL_CTX *ctx, X509 *certificate) {
    return SSL_CTX_add1_chain_cert(ctx, certificate);
}

/* Hands OpenSSL the passphrase given in `u` (a NUL-terminated string), never a terminal prompt:
   with no callback OpenSSL would ask on stdin. */
static inline int sluice_passphrase_callback(char *buffer, int size, int rwflag, void *u) {
    (void)rwflag;
    if (u == NULL || size <= 0) return -1;
    size_t length = strlen((const char *)u);
    if (length > (size_t)size) return -1;
    memcpy(buffer, u, length);
    return (int)length;
}

/* Reads a private key from PEM text in `bio`, decrypting it with `passphrase` (may be NULL). */
static inline EVP_PKEY *sluice_read_private_key(BIO *bio, const char *passphrase) {
    return PEM_read_bio_PrivateKey(bio, NULL, sluice_passphrase_callback, (void *)passphrase);
}

#endif
