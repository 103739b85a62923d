#include "tls.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace sim {

Credentials::~Credentials() {
  X509_free(cert);
  EVP_PKEY_free(key);
  X509_free(ca_cert);
  EVP_PKEY_free(ca_key);
}

namespace {

void check(bool ok, const char *what) {
  if (!ok) throw std::runtime_error(std::string("TLS setup failed: ") + what);
}

void add_ext(X509 *cert, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, long serial) {
  X509 *c = X509_new();
  check(c != nullptr, "X509_new");
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 30L * 24 * 3600);
  X509_set_pubkey(c, key);
  X509_NAME *name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(cn), -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
  X509 *iss = issuer ? issuer : c;
  if (!issuer) {
    add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(c, iss, NID_subject_key_identifier, "hash");
  } else {
    add_ext(c, iss, NID_basic_constraints, "CA:FALSE");
    add_ext(c, iss, NID_ext_key_usage, "serverAuth");
    add_ext(c, iss, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    add_ext(c, iss, NID_authority_key_identifier, "keyid");
  }
  check(X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return c;
}

}  // namespace

void generate(Credentials &out) {
  out.ca_key = EVP_EC_gen("P-256");
  out.key = EVP_EC_gen("P-256");
  check(out.ca_key && out.key, "key generation");
  out.ca_cert = make_cert(out.ca_key, "threecx-sim CA", nullptr, nullptr, 1);
  out.cert = make_cert(out.key, "localhost", out.ca_cert, out.ca_key, 2);
}

void load(Credentials &out, const std::string &cert_file, const std::string &key_file) {
  FILE *f = std::fopen(cert_file.c_str(), "r");
  if (!f) throw std::runtime_error("cannot read " + cert_file);
  out.cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "r");
  if (!f) throw std::runtime_error("cannot read " + key_file);
  out.key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!out.cert || !out.key) throw std::runtime_error("bad PEM in " + cert_file + " or " + key_file);
}

void write_pem(X509 *cert, const std::string &path) {
  std::string tmp = path + ".tmp";
  FILE *f = std::fopen(tmp.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + tmp);
  bool ok = PEM_write_X509(f, cert) == 1;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

}  // namespace sim
