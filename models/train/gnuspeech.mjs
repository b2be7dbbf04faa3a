// GnuSpeech (an articulatory, tube-model synthesiser; GPL-3, from npm, used only to make training
// data) as a batch tool: node gnuspeech.mjs jobs.json, where jobs.json is a list of
//   { text, out, seed, voice: { vocal_tract_length, ... }, control: { tempo, ... } }.
// Each job writes a 16-bit mono WAV at 22,050 Hz to `out`. A voice is a set of physical parameters
// (tract length, glottal pulse, pitch, breathiness, tube radii), so a seeded draw of them is a new
// speaker; see speech.gnuspeech_speaker.
import fs from 'node:fs'

// The engine draws intonation jitter from the system's random source; a seeded one per job makes the
// output depend on the job alone, not on the order of the batch or the machine.
let state = 1
function reseed(seed) { state = (seed >>> 0) || 1 }
function getRandomValues(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
  for (let i = 0; i < bytes.length; i++) {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0
    bytes[i] = state & 255
  }
  return view
}
Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues }, configurable: true })

const { default: init } = await import('@echogarden/gnuspeech-wasm/wasm/gnuspeech.js')
const m = await init()
const DATA = '/data/en'
const controlTemplate = m.FS.readFile(`${DATA}/trm_control_model.txt`, { encoding: 'utf8' })
const trmTemplate = m.FS.readFile(`${DATA}/trm.txt`, { encoding: 'utf8' })
const voiceTemplate = m.FS.readFile(`${DATA}/voice_male.txt`, { encoding: 'utf8' })

// Replace `key = value` lines of a config file; a key the file lacks is an error, not a silent no-op.
function setAll(text, values) {
  for (const [key, value] of Object.entries(values)) {
    const re = new RegExp(`^${key} = .*$`, 'm')
    if (!re.test(text)) throw new Error(`gnuspeech: no setting "${key}"`)
    text = text.replace(re, `${key} = ${value}`)
  }
  return text
}

function cString(s) {
  const bytes = new TextEncoder().encode(s + '\0')
  const p = m._malloc(bytes.length)
  m.HEAPU8.set(bytes, p)
  return p
}

m.FS.writeFile(`${DATA}/trm.txt`, setAll(trmTemplate, { output_rate: '22050.0' }))
const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
for (const job of jobs) {
  reseed(job.seed)
  m.FS.writeFile(`${DATA}/voice_job.txt`, setAll(voiceTemplate, job.voice ?? {}))
  m.FS.writeFile(`${DATA}/trm_control_model.txt`, setAll(controlTemplate, { voice_name: 'job', ...(job.control ?? {}) }))
  const args = [job.text.replace(/[^A-Za-z' ,.!?]/g, ' '), '/out.wav', DATA, '/out-params.txt'].map(cString)
  m._GnuSpeech_synthesizeToFile(args[0], args[1], args[2], args[3], 0)
  args.forEach((p) => m._free(p))
  fs.writeFileSync(job.out, m.FS.readFile('/out.wav'))
}
