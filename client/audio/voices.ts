/**
 * The pond's two sounds, synthesized with the Web Audio API (no audio files: a few nodes cost
 * less than a download and never fail to load):
 *
 * - the water: looped white noise through a low-pass (the deep, soft wash) and, much quieter, a
 *   band-pass (the lapping), each swelling slowly with its own LFO, at a low level;
 * - the blip: a short sine whose pitch rises quickly, like a drop falling in, for a chat line.
 *
 * Plain functions of an AudioContext, so the unit tests can run them against a stand-in.
 */

/** Peak level of the blip (of 1, full scale): soft, yet clear of the water. */
export const BLIP_LEVEL = 0.14;
/** Level of the water bus: about −34 dBFS RMS (peaks near −20), a background, not a feature. */
export const WATER_LEVEL = 0.3;
/** How long the blip rings before it is stopped, s (it has died away well before). */
export const BLIP_SECONDS = 0.3;
/** The blip's decay time constant, s: a drop, not a beep. */
const BLIP_DECAY = 0.05;

/** Seconds of noise in the loop; white noise has no seam, so any length loops cleanly. */
const NOISE_SECONDS = 3;

/** The water layers: filter, level, and a slow swell (LFO rate Hz, depth as a share of the level). */
const LAYERS: ReadonlyArray<{ type: BiquadFilterType; frequency: number; q: number; level: number; lfoHz: number; depth: number }> = [
  // The wash: deep and soft, breathing over ~11 s.
  { type: "lowpass", frequency: 380, q: 0.5, level: 0.5, lfoHz: 0.09, depth: 0.4 },
  // The lapping: a quiet band higher up, on its own slower-than-a-second swell.
  { type: "bandpass", frequency: 1100, q: 0.9, level: 0.08, lfoHz: 0.23, depth: 0.75 },
];

/** Nodes to stop and disconnect when the water goes away. */
export interface Voice {
  stop(): void;
}

function noiseBuffer(ctx: BaseAudioContext): AudioBuffer {
  const length = Math.max(1, Math.round(ctx.sampleRate * NOISE_SECONDS));
  const buffer = ctx.createBuffer(1, length, ctx.sampleRate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1;
  return buffer;
}

/** Starts the water into `out`; it plays until stopped. */
export function startWater(ctx: BaseAudioContext, out: AudioNode): Voice {
  const bus = ctx.createGain();
  bus.gain.value = WATER_LEVEL;
  bus.connect(out);
  const buffer = noiseBuffer(ctx);
  const sources: AudioScheduledSourceNode[] = [];
  const nodes: AudioNode[] = [bus];
  const now = ctx.currentTime;
  LAYERS.forEach((layer, i) => {
    const noise = ctx.createBufferSource();
    noise.buffer = buffer;
    noise.loop = true;
    const filter = ctx.createBiquadFilter();
    filter.type = layer.type;
    filter.frequency.value = layer.frequency;
    filter.Q.value = layer.q;
    const swell = ctx.createGain();
    swell.gain.value = layer.level;
    // The LFO adds ±depth·level around the level: the gain never reaches zero.
    const lfo = ctx.createOscillator();
    lfo.frequency.value = layer.lfoHz;
    const lfoDepth = ctx.createGain();
    lfoDepth.gain.value = layer.level * layer.depth;
    lfo.connect(lfoDepth).connect(swell.gain);
    noise.connect(filter).connect(swell).connect(bus);
    // Each layer reads the loop from its own place, so the two never move together.
    noise.start(now, (i * NOISE_SECONDS) / LAYERS.length);
    lfo.start(now);
    sources.push(noise, lfo);
    nodes.push(filter, swell, lfoDepth);
  });
  return {
    stop() {
      for (const source of sources) {
        try {
          source.stop();
        } catch {
          // Already stopped.
        }
        source.disconnect();
      }
      for (const node of nodes) node.disconnect();
    },
  };
}

/**
 * One blip into `out` at the context's time `at`: a sine from `pitch` Hz rising to 1.7× in
 * 70 ms, in at once (6 ms) and dying away (time constant BLIP_DECAY). It cleans up after itself.
 */
export function playBlip(ctx: BaseAudioContext, out: AudioNode, at: number, pitch: number): void {
  const osc = ctx.createOscillator();
  osc.type = "sine";
  osc.frequency.setValueAtTime(pitch, at);
  osc.frequency.exponentialRampToValueAtTime(pitch * 1.7, at + 0.07);
  const env = ctx.createGain();
  env.gain.setValueAtTime(0, at);
  env.gain.linearRampToValueAtTime(BLIP_LEVEL, at + 0.006);
  env.gain.setTargetAtTime(0, at + 0.006, BLIP_DECAY);
  osc.connect(env).connect(out);
  osc.onended = () => {
    osc.disconnect();
    env.disconnect();
  };
  osc.start(at);
  osc.stop(at + BLIP_SECONDS);
}
