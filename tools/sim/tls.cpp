#include "tls.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>
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

X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, long serial, long days = 30) {
  X509 *c = X509_new();
  check(c != nullptr, "X509_new");
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), days * 24 * 3600);
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

namespace {

// Writes text to path through a fresh mkstemp file (O_CREAT|O_EXCL: never an
// existing file or a symlink) renamed into place.
void write_new(const std::string &path, const std::string &text, mode_t mode) {
  std::string tmpl = path + ".XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  bool ok = fchmod(fd, mode) == 0;
  size_t off = 0;
  while (ok && off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n <= 0) ok = false;
    else off += static_cast<size_t>(n);
  }
  ok = close(fd) == 0 && ok;
  if (!ok || rename(name.data(), path.c_str()) != 0) {
    unlink(name.data());
    throw std::runtime_error("cannot write " + path);
  }
}

std::string pem_of(X509 *cert, EVP_PKEY *key) {
  BIO *b = BIO_new(BIO_s_mem());
  check(b != nullptr, "BIO_new");
  bool ok = cert ? PEM_write_bio_X509(b, cert) == 1
                 : PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  char *data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out = ok && n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
  BIO_free(b);
  check(!out.empty(), "PEM encoding");
  return out;
}

bool exists(const std::string &p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

}  // namespace

void write_pem(X509 *cert, const std::string &path) { write_new(path, pem_of(cert, nullptr), 0644); }

void load_or_create(Credentials &out, const std::string &dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
  const std::string ca = dir + "/ca.pem", ca_key = dir + "/ca.key", crt = dir + "/server.pem",
                    key = dir + "/server.key";
  if (exists(ca) && exists(ca_key)) {
    load(out, ca, ca_key);  // the CA into cert/key first
    out.ca_cert = out.cert;
    out.ca_key = out.key;
    out.cert = nullptr;
    out.key = nullptr;
    if (exists(crt) && exists(key)) {
      load(out, crt, key);
      if (X509_cmp_current_time(X509_get0_notAfter(out.cert)) > 0) return;  // still valid
      X509_free(out.cert);
      EVP_PKEY_free(out.key);
      out.cert = nullptr;
      out.key = nullptr;
    }
  } else {
    out.ca_key = EVP_EC_gen("P-256");
    check(out.ca_key != nullptr, "key generation");
    out.ca_cert = make_cert(out.ca_key, "threecx-sim CA", nullptr, nullptr, 1, 3650);
    write_new(ca_key, pem_of(nullptr, out.ca_key), 0600);
    write_new(ca, pem_of(out.ca_cert, nullptr), 0644);
  }
  out.key = EVP_EC_gen("P-256");
  check(out.key != nullptr, "key generation");
  out.cert = make_cert(out.key, "localhost", out.ca_cert, out.ca_key, static_cast<long>(time(nullptr)), 825);
  write_new(key, pem_of(nullptr, out.key), 0600);
  write_new(crt, pem_of(out.cert, nullptr), 0644);
}

std::string private_dir() {
  const char *tmpdir = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/threecx-sim-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (!mkdtemp(name.data())) throw std::runtime_error("cannot create a directory from " + tmpl + ": " + std::strerror(errno));
  return name.data();  // mkdtemp makes it 0700
}

}  // namespace sim
