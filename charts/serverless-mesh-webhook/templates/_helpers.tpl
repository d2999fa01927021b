{{/* Names, labels and shared fragments of the serverless-mesh-webhook chart. */}}

{{- define "smw.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: also the Service name, which the serving certificate's SANs must match. */}}
{{- define "smw.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "smw.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "smw.selectorLabels" -}}
app.kubernetes.io/name: {{ include "smw.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Common labels; pass a dict with "ctx" (the root) and "component". */}}
{{- define "smw.labels" -}}
helm.sh/chart: {{ include "smw.chart" .ctx }}
{{ include "smw.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: serverless-mesh-webhook
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end -}}

{{- define "smw.webhookSelectorLabels" -}}
{{ include "smw.selectorLabels" . }}
app.kubernetes.io/component: webhook
{{- end -}}

{{- define "smw.serviceAccountName" -}}
{{- default (include "smw.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "smw.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "smw.fullname" .)) .Values.certificates.secretName -}}
{{- end -}}

{{- define "smw.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "smw.terminationGracePeriodSeconds" -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds -}}
{{- add (int64 .Values.server.shutdownDelay) (int64 .Values.server.shutdownTimeout) 10 -}}
{{- else -}}
{{- int64 .Values.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/* The policy file: values.policy without null entries (null means "the default"). */}}
{{- define "smw.pruneNulls" -}}
{{- $out := dict -}}
{{- range $key, $value := . -}}
{{- if kindIs "map" $value -}}
{{- $_ := set $out $key (include "smw.pruneNulls" $value | fromYaml) -}}
{{- else if not (kindIs "invalid" $value) -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Where the cluster evaluates webhook matchConditions (beta and on by default from 1.28). */}}
{{- define "smw.matchConditionsSupported" -}}
{{- if and .Values.webhooks.matchConditions (semverCompare ">=1.28.0-0" .Capabilities.KubeVersion.Version) -}}true{{- end -}}
{{- end -}}

{{/* The namespaces no webhook is ever called for (openshift-* is a matchCondition). */}}
{{- define "smw.excludedNamespaces" -}}
{{- $names := list "kube-system" .Release.Namespace -}}
{{- range .Values.webhooks.excludeNamespaces -}}{{- $names = append $names . -}}{{- end -}}
{{- toJson (uniq $names) -}}
{{- end -}}

{{/*
Shared parts of every webhook entry. Pass a dict: ctx (root), path (/mutate or /validate),
settings (failurePolicy, timeoutSeconds), mutating (bool), onlyNamespaces (list, may be empty),
extraConditions (list of {name, expression}).
*/}}
{{- define "smw.webhookCommon" -}}
{{- $ctx := .ctx -}}
admissionReviewVersions: ["v1", "v1beta1"]
sideEffects: None
matchPolicy: Equivalent
failurePolicy: {{ .settings.failurePolicy }}
timeoutSeconds: {{ int64 .settings.timeoutSeconds }}
{{- if .mutating }}
reinvocationPolicy: IfNeeded
{{- end }}
clientConfig:
  service:
    name: {{ include "smw.fullname" $ctx }}
    namespace: {{ $ctx.Release.Namespace }}
    path: {{ .path }}
    port: 443
  {{- if eq $ctx.Values.certificates.provider "secret" }}
  caBundle: {{ $ctx.Values.certificates.caBundle | nospace }}
  {{- end }}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ include "smw.excludedNamespaces" $ctx }}
    {{- with .onlyNamespaces }}
    - key: kubernetes.io/metadata.name
      operator: In
      values: {{ toJson . }}
    {{- end }}
objectSelector:
  matchExpressions:
    - key: serverless-mesh-webhook.io/exclude
      operator: NotIn
      values: ["true"]
    {{- with .objectNames }}
    - key: kubernetes.io/metadata.name
      operator: In
      values: {{ toJson . }}
    {{- end }}
{{- if include "smw.matchConditionsSupported" $ctx }}
matchConditions:
  - name: exclude-openshift-namespaces
    expression: >-
      !request.namespace.startsWith('openshift-') &&
      !(request.resource.resource == 'namespaces' && object.metadata.name.startsWith('openshift-'))
  {{- range .extraConditions }}
  - name: {{ .name }}
    expression: {{ .expression | quote }}
  {{- end }}
{{- end }}
{{- end -}}
