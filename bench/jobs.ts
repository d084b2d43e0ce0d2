export async function runJobsBench(): Promise<string> {
  return '### Jobs\n\n(not measured yet)';
}
