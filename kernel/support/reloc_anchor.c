/* Linked into every driver by kmd_add_driver.
 * GNU ld writes no .reloc section for an x64 image whose code needs no fix-up (RIP-relative
 * addressing), yet the Windows loader, Code Integrity and kmdpe (rule KPE009) expect a relocatable
 * kernel image to carry a relocation directory. One absolute pointer guarantees one. */
__attribute__((used)) static const void *const KmdRelocAnchor = &KmdRelocAnchor;
