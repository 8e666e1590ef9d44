/** Server-side secrets shared by every instance through the database (created once, read at start). */
export interface SecretStore {
  /**
   * Returns the secret stored under `name`, storing `candidate` first when there is none. Two
   * instances racing both get whichever was stored first.
   */
  getOrCreate(name: string, candidate: string, createdAtMs: number): Promise<string>;
}
