{{/* Chart name, overridable. */}}
{{- define "piw.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: <release>-<chart>, or <release> when it already holds the chart name. */}}
{{- define "piw.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "piw.selectorLabels" -}}
app.kubernetes.io/name: {{ include "piw.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "piw.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "piw.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "piw.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "piw.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The kubernetes.io/tls Secret the pods mount. */}}
{{- define "piw.tlsSecretName" -}}
{{- if eq .Values.tls.mode "secret" }}
{{- required "tls.secretName is required when tls.mode is secret" .Values.tls.secretName }}
{{- else }}
{{- default (printf "%s-tls" (include "piw.fullname" .)) .Values.tls.secretName }}
{{- end }}
{{- end }}

{{/* DNS names the API server may use for the Service; all are in the serving certificate. */}}
{{- define "piw.serviceDNSNames" -}}
{{- $svc := include "piw.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | toJson }}
{{- end }}

{{/* Where the serving certificate is mounted; --cert and --key point here. */}}
{{- define "piw.certDir" -}}/etc/webhook/certs{{- end }}

{{- define "piw.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Arguments of `webhook serve`, one flag per structured value (see values.yaml), then extraArgs.
Strings are rendered only when set; booleans only when true (the server's defaults are false).
*/}}
{{- define "piw.args" -}}
{{- $s := .Values.server }}
{{- $k := .Values.kubernetes }}
{{- $m := .Values.mutation }}
{{- $c := $m.containerCredentials }}
{{- $args := list "serve" }}
{{- $args = append $args (printf "--cert=%s/tls.crt" (include "piw.certDir" .)) }}
{{- $args = append $args (printf "--key=%s/tls.key" (include "piw.certDir" .)) }}
{{- $args = append $args (printf "--bind-address=%s" $s.bindAddress) }}
{{- $args = append $args (printf "--port=%d" (int $s.port)) }}
{{- $args = append $args (printf "--metrics-port=%d" (int $s.metricsPort)) }}
{{- $args = append $args (printf "--tls-min-version=%s" $s.tlsMinVersion) }}
{{- with $s.tlsCipherSuites }}
{{- $args = append $args (printf "--tls-cipher-suites=%s" (join "," .)) }}
{{- end }}
{{- $args = append $args (printf "--shutdown-delay=%ds" (int $s.shutdownDelaySeconds)) }}
{{- $args = append $args (printf "--log-level=%s" $s.logLevel) }}
{{- $args = append $args (printf "--log-format=%s" $s.logFormat) }}
{{- $args = append $args (printf "--max-request-bytes=%d" (int64 $s.maxRequestBytes)) }}
{{- $args = append $args (printf "--read-header-timeout=%s" $s.readHeaderTimeout) }}
{{- $args = append $args (printf "--idle-timeout=%s" $s.idleTimeout) }}
{{- $args = append $args (printf "--max-concurrent-streams=%d" (int $s.maxConcurrentStreams)) }}
{{- if $s.enableDebuggingHandlers }}
{{- $args = append $args "--enable-debugging-handlers" }}
{{- end }}
{{- with $k.apiServerURL }}
{{- $args = append $args (printf "--kube-api=%s" .) }}
{{- end }}
{{- $args = append $args (printf "--resync-period=%s" $k.resyncPeriod) }}
{{- $args = append $args (printf "--service-account-lookup-grace-period=%s" $k.serviceAccountLookupGracePeriod) }}
{{- if .Values.watchConfigMap }}
{{- $args = append $args "--watch-config-map" }}
{{- $args = append $args (printf "--namespace=%s" .Release.Namespace) }}
{{- end }}
{{- $args = append $args (printf "--annotation-prefix=%s" $m.annotationPrefix) }}
{{- $args = append $args (printf "--token-audience=%s" $m.tokenAudience) }}
{{- $args = append $args (printf "--token-mount-path=%s" $m.tokenMountPath) }}
{{- $args = append $args (printf "--token-expiration=%d" (int64 $m.tokenExpiration)) }}
{{- with $m.awsDefaultRegion }}
{{- $args = append $args (printf "--aws-default-region=%s" .) }}
{{- end }}
{{- if $m.stsRegionalEndpoint }}
{{- $args = append $args "--sts-regional-endpoint" }}
{{- end }}
{{- if $m.composeRoleArn.enabled }}
{{- $args = append $args "--compose-role-arn" }}
{{- $args = append $args (printf "--aws-partition=%s" $m.composeRoleArn.partition) }}
{{- $args = append $args (printf "--aws-account-id=%s" (required "mutation.composeRoleArn.accountId is required when mutation.composeRoleArn.enabled is true" $m.composeRoleArn.accountId)) }}
{{- end }}
{{- if $m.injectRoleSessionName }}
{{- $args = append $args "--inject-role-session-name" }}
{{- end }}
{{- with $m.endpointUrl }}
{{- $args = append $args (printf "--endpoint-url=%s" .) }}
{{- end }}
{{- if $m.allowNonAwsAccountId }}
{{- $args = append $args "--allow-non-aws-account-id" }}
{{- end }}
{{- with $c.configFile }}
{{- $args = append $args (printf "--watch-container-credentials-config=%s" .) }}
{{- end }}
{{- $args = append $args (printf "--container-credentials-audience=%s" $c.audience) }}
{{- $args = append $args (printf "--container-credentials-token-mount-path=%s" $c.tokenMountPath) }}
{{- $args = append $args (printf "--container-credentials-token-volume-name=%s" $c.tokenVolumeName) }}
{{- $args = append $args (printf "--container-credentials-token-path=%s" $c.tokenPath) }}
{{- $args = append $args (printf "--container-credentials-full-uri=%s" $c.fullUri) }}
{{- concat $args .Values.extraArgs | toJson }}
{{- end }}

{{/* Refuses values that would make a broken deployment, with a message naming them. */}}
{{- define "piw.validate" -}}
{{- $inflight := add .Values.server.shutdownDelaySeconds .Values.webhook.timeoutSeconds }}
{{- if le (int .Values.terminationGracePeriodSeconds) (int $inflight) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed server.shutdownDelaySeconds (%d) + webhook.timeoutSeconds (%d), or the kubelet kills the pod while it still serves" (int .Values.terminationGracePeriodSeconds) (int .Values.server.shutdownDelaySeconds) (int .Values.webhook.timeoutSeconds)) }}
{{- end }}
{{- if and (eq .Values.tls.mode "secret") (not .Values.tls.caBundle) }}
{{- fail "tls.caBundle is required when tls.mode is secret (the PEM CA that signed the certificate in tls.secretName)" }}
{{- end }}
{{- if and (not .Values.webhook.excludeKubeSystem) (eq .Values.webhook.failurePolicy "Fail") }}
{{- fail "webhook.failurePolicy Fail with webhook.excludeKubeSystem false would stop kube-system pods (CoreDNS, the CNI) from starting whenever the webhook is down: keep one of them" }}
{{- end }}
{{- $pdb := .Values.podDisruptionBudget }}
{{- if and $pdb.enabled (not (kindIs "string" $pdb.minAvailable)) (ge (int $pdb.minAvailable) (int .Values.replicaCount)) }}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) must be below replicaCount (%d), or no node with a webhook pod can ever be drained" (int $pdb.minAvailable) (int .Values.replicaCount)) }}
{{- end }}
{{- if eq (int .Values.server.port) (int .Values.server.metricsPort) }}
{{- fail (printf "server.port and server.metricsPort must differ (both are %d)" (int .Values.server.port)) }}
{{- end }}
{{- end }}
