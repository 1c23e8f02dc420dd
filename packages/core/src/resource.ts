import { randomUUID } from 'node:crypto';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { ENV, K8S_ENV_TO_RESOURCE, RESOURCE_ATTR } from './constants';
import { type Env, envKeyValues, envString, pick } from './env';
import type { LLMeterOptions } from './types';

export const LLMETER_VERSION = '0.1.0';

/**
 * service.*, deployment and Kubernetes identity. Precedence: options, then
 * OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, then the Downward API
 * variables, then defaults.
 */
export function buildResource(options: LLMeterOptions, env: Env = process.env): Resource {
  const fromEnv = envKeyValues(env, ENV.OTEL_RESOURCE_ATTRIBUTES) ?? {};
  const k8s: Record<string, string> = {};
  for (const [variable, attribute] of Object.entries(K8S_ENV_TO_RESOURCE)) {
    const value = envString(env, variable);
    if (value !== undefined) k8s[attribute] = value;
  }
  const attrs: Record<string, string> = { ...k8s, ...fromEnv, ...options.resourceAttributes };

  const serviceName = pick(
    options.serviceName,
    envString(env, ENV.OTEL_SERVICE_NAME),
    fromEnv[RESOURCE_ATTR.SERVICE_NAME],
  );
  if (serviceName) attrs[RESOURCE_ATTR.SERVICE_NAME] = serviceName;
  if (options.serviceVersion) attrs[RESOURCE_ATTR.SERVICE_VERSION] = options.serviceVersion;
  if (options.deploymentEnvironment) {
    attrs[RESOURCE_ATTR.DEPLOYMENT_ENVIRONMENT_NAME] = options.deploymentEnvironment;
  }
  attrs[RESOURCE_ATTR.SERVICE_INSTANCE_ID] =
    options.serviceInstanceId ?? attrs[RESOURCE_ATTR.SERVICE_INSTANCE_ID] ?? instanceId(attrs);
  attrs['telemetry.distro.name'] = 'llmeter';
  attrs['telemetry.distro.version'] = LLMETER_VERSION;
  return defaultResource().merge(resourceFromAttributes(attrs));
}

/** Stable across restarts of the same container, unique across pods; random elsewhere. */
function instanceId(attrs: Record<string, string>): string {
  const uid = attrs[RESOURCE_ATTR.K8S_POD_UID];
  if (!uid) return randomUUID();
  const container = attrs[RESOURCE_ATTR.K8S_CONTAINER_NAME];
  return container ? `${uid}.${container}` : uid;
}

/**
 * GPU UUIDs from NVIDIA_VISIBLE_DEVICES (set by the NVIDIA device plugin in a
 * pod that requested `nvidia.com/gpu`). Indices, `all`, `none` and `void`
 * identify no GPU and are ignored.
 */
export function visibleGpuUuids(env: Env = process.env): string[] {
  const value = envString(env, ENV.NVIDIA_VISIBLE_DEVICES);
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^(GPU|MIG)-[0-9a-fA-F-]+$/.test(s));
}
