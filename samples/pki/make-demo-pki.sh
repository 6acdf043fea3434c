#!/bin/sh
# make-demo-pki.sh: builds the DEMO public-key infrastructure of samples/pki/.
#
# A root CA, an intermediate CA and a document-signing certificate with its
# key, all named "DEMO" and NOT FOR PRODUCTION: the private keys are
# published in this repository, so anything they sign proves nothing about
# who made it.  They exist so that the README's main command, the tests and a
# curious auditor can sign and verify reports offline.
#
# Dates are explicit (openssl ca -startdate/-enddate), not "now + N days":
# the tests sign with SOURCE_DATE_EPOCH in 2024 and the files must keep
# verifying for years, so every certificate is valid from 2024-01-01 to at
# least 2037.  Re-running the script makes new keys (and so new files); the
# committed PEM files are the ones the tests use.
#
# Usage: sh samples/pki/make-demo-pki.sh [OUTDIR]   (default: its own folder)
set -eu
out=${1:-$(dirname "$0")}
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
[v3_root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_signer]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
: >"$work/index.txt"
echo 1000 >"$work/serial"

ca() { openssl ca -batch -notext -config "$work/ca.cnf" "$@" 2>/dev/null; }

# Root CA: self-signed, 2024-01-01 .. 2040-01-01.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$out/root.key"
openssl req -new -config "$work/ca.cnf" -key "$out/root.key" \
	-subj "/C=US/O=reportgen DEMO/CN=reportgen DEMO Root CA - NOT FOR PRODUCTION" \
	-out "$work/root.csr"
ca -selfsign -keyfile "$out/root.key" -in "$work/root.csr" -extensions v3_root \
	-startdate 20240101000000Z -enddate 20400101000000Z -out "$out/root.pem"

# Intermediate CA, issued by the root: 2024-01-01 .. 2038-01-01.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$out/intermediate.key"
openssl req -new -config "$work/ca.cnf" -key "$out/intermediate.key" \
	-subj "/C=US/O=reportgen DEMO/CN=reportgen DEMO Intermediate CA - NOT FOR PRODUCTION" \
	-out "$work/inter.csr"
ca -cert "$out/root.pem" -keyfile "$out/root.key" -in "$work/inter.csr" -extensions v3_inter \
	-startdate 20240101000000Z -enddate 20380101000000Z -out "$out/intermediate.pem"

# Signer, issued by the intermediate: 2024-01-01 .. 2037-01-01.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/signer.key"
openssl req -new -config "$work/ca.cnf" -key "$out/signer.key" \
	-subj "/C=US/O=Example Agency (DEMO)/OU=reportgen DEMO/CN=reportgen DEMO Report Signer - NOT FOR PRODUCTION" \
	-out "$work/signer.csr"
ca -cert "$out/intermediate.pem" -keyfile "$out/intermediate.key" -in "$work/signer.csr" \
	-extensions v3_signer -startdate 20240101000000Z -enddate 20370101000000Z \
	-out "$out/signer.pem"

# What --chain takes: the intermediates between signer and root.
cp "$out/intermediate.pem" "$out/chain.pem"
chmod 0644 "$out"/*.pem "$out"/*.key
openssl verify -CAfile "$out/root.pem" -untrusted "$out/chain.pem" "$out/signer.pem"
