# crm-flags.m4: macros of crm's own for compiler and linker flags.

# CRM_PKG_FLAGS_CLEAN([PREFIXES]): in each PREFIX_CFLAGS and PREFIX_LIBS that
# PKG_CHECK_MODULES set, keep only -I, -D, -L, -l, -pthread and plain file
# names; drop whatever a library's own package build left in its .pc file
# (-specs=..., -Wl,..., -f..., -O...), which is not the library's to pass on.
AC_DEFUN([CRM_PKG_FLAGS_CLEAN], [
for crm_prefix in $1; do
  for crm_var in ${crm_prefix}_CFLAGS ${crm_prefix}_LIBS; do
    eval "crm_in=\$$crm_var"
    crm_out=
    crm_dropped=
    for crm_w in $crm_in; do
      case $crm_w in
      -I*|-D*|-U*|-L*|-l*|-pthread|-isystem*|[[^-]]*) crm_out="$crm_out $crm_w" ;;
      *) crm_dropped="$crm_dropped $crm_w" ;;
      esac
    done
    AS_IF([test -n "$crm_dropped"],
      [AC_MSG_NOTICE([$crm_var: dropped the package build's own flags:$crm_dropped])])
    eval "$crm_var=\"\${crm_out# }\""
  done
done
])

# CRM_LINK_FLAG_IF_WORKS([FLAGS]): add FLAGS to CRM_LDFLAGS when a program
# links with them.
AC_DEFUN([CRM_LINK_FLAG_IF_WORKS], [
AC_MSG_CHECKING([whether the linker takes $1])
crm_save_LDFLAGS=$LDFLAGS
LDFLAGS="$LDFLAGS $1"
AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
  [AC_MSG_RESULT([yes]); CRM_LDFLAGS="$CRM_LDFLAGS $1"],
  [AC_MSG_RESULT([no])])
LDFLAGS=$crm_save_LDFLAGS
])
