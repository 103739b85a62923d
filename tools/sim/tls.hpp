// threecx-sim: an in-memory CA and server certificate, made at start-up.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

namespace sim {

struct Credentials {
  EVP_PKEY *ca_key = nullptr;
  X509 *ca_cert = nullptr;
  EVP_PKEY *key = nullptr;
  X509 *cert = nullptr;
  ~Credentials();
};

// Generates a CA and a server certificate for localhost, 127.0.0.1 and ::1
// signed by it (EC P-256, valid 30 days). Throws std::runtime_error.
void generate(Credentials &out);
// Loads a PEM certificate and key. Throws std::runtime_error.
void load(Credentials &out, const std::string &cert_file, const std::string &key_file);
// Writes a certificate as PEM (atomically). Throws std::runtime_error.
void write_pem(X509 *cert, const std::string &path);

}  // namespace sim
