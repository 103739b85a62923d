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
// Writes a certificate as PEM, atomically: a new file made with O_EXCL
// (mkstemp, so no planted file or symlink is followed) renamed over path.
// Throws std::runtime_error.
void write_pem(X509 *cert, const std::string &path);
// --tls-dir DIR: loads ca.pem, ca.key, server.pem and server.key from DIR;
// on first use (or when the server certificate has expired) creates them
// (DIR mode 0700, keys 0600; CA valid 10 years, server certificate 825
// days). Throws std::runtime_error.
void load_or_create(Credentials &out, const std::string &dir);
// A new private directory (mkdtemp, mode 0700) under $TMPDIR or /tmp.
std::string private_dir();

}  // namespace sim
