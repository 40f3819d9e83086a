#!/usr/bin/env bash
# Makes a development CA and a serving certificate signed by it, with openssl.
# usage: certs/generate.sh [OUT_DIR] [SERVICE] [NAMESPACE] [DAYS]
# The serving certificate is valid for localhost, 127.0.0.1, ::1 and the in-cluster names
# SERVICE, SERVICE.NAMESPACE, SERVICE.NAMESPACE.svc and SERVICE.NAMESPACE.svc.cluster.local.
# Existing files are kept: delete them to make new ones.
set -euo pipefail
out=${1:-$(dirname "$0")}
service=${2:-pod-identity-webhook}
namespace=${3:-pod-identity-webhook}
days=${4:-365}
mkdir -p "$out"
cd "$out"
if [ -s ca.crt ] && [ -s ca.key ] && [ -s tls.crt ] && [ -s tls.key ]; then
  echo "certs: $out already has ca.crt, tls.crt and tls.key (delete them to regenerate)"
  exit 0
fi
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -keyout ca.key -out ca.crt -subj "/CN=pod-identity-webhook development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -keyout tls.key -out tls.csr \
  -subj "/CN=${service}.${namespace}.svc" 2>/dev/null
cat > tls.ext <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,DNS:${service},DNS:${service}.${namespace},DNS:${service}.${namespace}.svc,DNS:${service}.${namespace}.svc.cluster.local
EXT
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
  -extfile tls.ext -out tls.crt 2>/dev/null
rm -f tls.csr tls.ext ca.srl
chmod 0644 ca.crt tls.crt
echo "certs: wrote $out/ca.crt, $out/tls.crt and $out/tls.key (SANs: localhost, 127.0.0.1, ${service}.${namespace}.svc)"
