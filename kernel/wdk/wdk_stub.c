/* placeholder: replaced by the WDK compatibility library */
typedef int kmd_wdk_placeholder;
