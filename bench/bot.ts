export async function runBotBench(): Promise<string> {
  return '### Bot\n\n(not measured yet)';
}
