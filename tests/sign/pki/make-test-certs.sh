#!/bin/sh
# make-test-certs.sh: the faulty and unusual certificates and keys the signing
# tests need (tests/sign/pki/), most issued by the DEMO intermediate of
# samples/pki/.  The committed files are the ones the tests use; re-running
# the script makes new keys, and the tests derive everything else from them.
#
# Validity: every certificate whose test is not about dates is valid from
# 2024-01-01 to 2041-01-01, so the tests pass with the clock anywhere from
# 2024 to 2040 (they sign at fixed times in 2024; verify checks certificates
# at the signing time).  The dated ones:
#
#   expired.pem     2020-01-01 .. 2021-01-01: refused when signing in 2024
#   future.pem      2040-01-01 .. 2041-01-01: not yet valid in 2024
#   lapsed.pem      2024-01-01 .. 2024-03-01: signs at 2024-02-01, has expired
#                   since (every clock date the tests run at is later)
#
# The faulty ones (verify and signing must refuse each, naming why):
#
#   nods.pem        keyUsage keyEncipherment only (no digitalSignature)
#   noku.pem        no keyUsage extension at all
#   ca-signer.pem   a CA certificate (CA:true, keyCertSign) used as the signer
#   serverauth.pem  extendedKeyUsage serverAuth only (a TLS server certificate)
#   codesign.pem    extendedKeyUsage codeSigning only
#   sha1.pem        signed by the intermediate with SHA-1
#   impostor.pem    self-signed "CISA Official Signer" (no chain to any root)
#   lookalike.pem   the DEMO signer's exact name, issued by fake-inter.pem, a
#                   self-made CA with the DEMO intermediate's exact name
#
# The unusual but good ones (verify accepts them):
#
#   ec-signer.pem   P-256 signer (ecdsa-sha256 paths)
#   docsign.pem     keyUsage nonRepudiation only, extendedKeyUsage
#                   id-kp-documentSigning (RFC 9336)
#   signer-enc.key  samples/pki/signer.key encrypted (AES-256) with the
#                   passphrase "demo passphrase" (test material only)
#
# Usage: sh tests/sign/pki/make-test-certs.sh   (from anywhere)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pki=$here/../../../samples/pki
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = demo
[demo]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ok]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_nods]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_noku]
basicConstraints = critical, CA:false
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_ca_signer]
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_serverauth]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_codesign]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_docsign]
basicConstraints = critical, CA:false
keyUsage = critical, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_selfsigned]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
[v3_fake_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
: >"$work/index.txt"
echo 2000 >"$work/serial"

rsa="-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
# issue NAME START END EXTENSIONS [openssl ca options...]: key, request and
# certificate from the DEMO intermediate (or the CA given with -cert/-keyfile).
issue() {
	name=$1 start=$2 end=$3 ext=$4
	shift 4
	# shellcheck disable=SC2086
	openssl genpkey -quiet $keyalg -out "$here/$name.key"
	openssl req -new -config "$work/ca.cnf" -key "$here/$name.key" -subj "$subj" \
		-out "$work/$name.csr"
	openssl ca -batch -notext -config "$work/ca.cnf" -cert "$pki/intermediate.pem" \
		-keyfile "$pki/intermediate.key" -in "$work/$name.csr" -extensions "$ext" \
		-startdate "$start" -enddate "$end" "$@" -out "$here/$name.pem" 2>/dev/null
}
test_subj() { subj="/O=reportgen DEMO/CN=reportgen DEMO test $1 - NOT FOR PRODUCTION"; }
from=20240101000000Z until=20410101000000Z

keyalg=$rsa
for spec in "expired 20200101000000Z 20210101000000Z v3_ok" \
	"future 20400101000000Z 20410101000000Z v3_ok" \
	"lapsed 20240101000000Z 20240301000000Z v3_ok" \
	"nods $from $until v3_nods" "noku $from $until v3_noku" \
	"ca-signer $from $until v3_ca_signer" "serverauth $from $until v3_serverauth" \
	"codesign $from $until v3_codesign" "docsign $from $until v3_docsign"; do
	# shellcheck disable=SC2086
	set -- $spec
	test_subj "$1"
	issue "$@"
done
test_subj sha1
issue sha1 $from $until v3_ok -md sha1
keyalg="-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
test_subj ec-signer
issue ec-signer $from $until v3_ok

# Self-signed, named like an official signer.
openssl genpkey -quiet $rsa -out "$here/impostor.key"
openssl req -new -config "$work/ca.cnf" -key "$here/impostor.key" \
	-subj "/C=US/O=Cybersecurity and Infrastructure Security Agency/CN=CISA Official Signer" \
	-out "$work/impostor.csr"
openssl ca -batch -notext -config "$work/ca.cnf" -selfsign -keyfile "$here/impostor.key" \
	-in "$work/impostor.csr" -extensions v3_selfsigned -startdate $from -enddate $until \
	-out "$here/impostor.pem" 2>/dev/null

# A fake intermediate with the real one's exact name, and a signer with the
# real signer's exact name issued by it: names alone must never make trust.
inter_subj=$(openssl x509 -in "$pki/intermediate.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
signer_subj=$(openssl x509 -in "$pki/signer.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
openssl genpkey -quiet $rsa -out "$work/fake-inter.key"
openssl req -new -config "$work/ca.cnf" -key "$work/fake-inter.key" -subj "$inter_subj" \
	-out "$work/fake-inter.csr"
openssl ca -batch -notext -config "$work/ca.cnf" -selfsign -keyfile "$work/fake-inter.key" \
	-in "$work/fake-inter.csr" -extensions v3_fake_ca -startdate $from -enddate $until \
	-out "$here/fake-inter.pem" 2>/dev/null
openssl genpkey -quiet $rsa -out "$here/lookalike.key"
openssl req -new -config "$work/ca.cnf" -key "$here/lookalike.key" -subj "$signer_subj" \
	-out "$work/lookalike.csr"
openssl ca -batch -notext -config "$work/ca.cnf" -cert "$here/fake-inter.pem" \
	-keyfile "$work/fake-inter.key" -in "$work/lookalike.csr" -extensions v3_ok \
	-startdate $from -enddate $until -out "$here/lookalike.pem" 2>/dev/null

openssl pkey -in "$pki/signer.key" -aes256 -passout "pass:demo passphrase" -out "$here/signer-enc.key"
chmod 0644 "$here"/*.pem "$here"/*.key
