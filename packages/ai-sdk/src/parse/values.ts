/** Loose readers of event and provider-result fields (core's shared ones): a wrong type reads as undefined, never throws. */
export { type Json, num, obj, str } from '@llmeter/core/internal';
